// Shape checks, suggestions and node-to-IR conversions used by every lowering file.
#include "frontend/lower_context.h"

#include "frontend/context_availability.h"
#include "frontend/template_parser.h"
#include "frontend/yaml_reader.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"


namespace frontend {

// The one place that maps the definition a value sits in to expression
// options. Workflow definitions resolve through GitHub's schema tables
// (context_availability.h); action metadata has no such table, so its values
// accept any named value, with the step functions.
static llvm::StringRef schemaDefinition(llvm::StringRef def) {
  return llvm::StringSwitch<llvm::StringRef>(def)
      .Case("workflow-output-value", "workflow-output-context")
      .Case("job-name", "string-strategy-context")
      .Case("job-environment-url", "string-runner-context-no-secrets")
      .Case("job-timeout-minutes", "number-strategy-context")
      .Case("job-continue-on-error", "boolean-strategy-context")
      .Case("matrix", "strategy")
      .Case("container-credentials", "container-registry-credentials")
      .Case("workflow-job-secrets", "scalar-needs-context-with-secrets")
      .Case("step-run", "string-steps-context")
      .Case("step-working-directory", "string-steps-context")
      .Default(def);
}

const ExprParseOptions &exprOptionsFor(llvm::StringRef definition) {
  // Per thread, so concurrent lowering (ci-lint lints files in parallel)
  // needs no lock.
  thread_local llvm::StringMap<ExprParseOptions> cache;
  // Consecutive values often share a definition (the entries of one env or with
  // map): the last answer is checked before the hash look-up.
  thread_local llvm::StringRef lastKey;
  thread_local const ExprParseOptions *lastOptions = nullptr;
  if (lastOptions && definition == lastKey)
    return *lastOptions;
  auto it = cache.find(definition);
  if (it != cache.end()) {
    lastKey = it->first();
    lastOptions = &it->second;
    return it->second;
  }
  ExprParseOptions o;
  if (definition.startswith("action-")) {
    o.extraFunctions = {{"hashFiles", 1, 255}};
    if (definition == "action-step-if" || definition == "action-runs-if")
      o.extraFunctions = {{"success", 0, 0}, {"failure", 0, 0},  {"cancelled", 0, 0},
                          {"always", 0, 0},  {"hashFiles", 1, 255}};
  } else {
    o = parseOptionsFor(schemaDefinition(definition));
  }
  return cache.try_emplace(definition, std::move(o)).first->second;
}

llvm::StringRef closestMatch(llvm::StringRef word, llvm::ArrayRef<llvm::StringRef> candidates) {
  llvm::StringRef best;
  unsigned bestDist = ~0u;
  std::string lower = word.lower();
  for (llvm::StringRef c : candidates) {
    unsigned d = llvm::StringRef(lower).edit_distance(c.lower(), true, bestDist);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  // Plausible typos only: at most a third of the word (and at least 1) changed.
  unsigned limit = std::max<unsigned>(1, (static_cast<unsigned>(word.size()) + 2) / 3);
  return bestDist <= limit ? best : llvm::StringRef();
}

std::string joinList(llvm::ArrayRef<llvm::StringRef> items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i)
      s += ", ";
    s += items[i].str();
  }
  return s;
}

bool LowerContext::rejectExpression(const YamlNode *n, std::string *folded) {
  if (!n || !n->isScalar() || !hasExpressionMarker(n->value))
    return false;
  // GitHub parses the value with no context: each named value is an error, a lone
  // string literal folds to plain text (`${{ 'bash' }}` is `bash`), and any other
  // expression is not allowed here.
  std::vector<TemplateError> errors;
  ir::Template t = parseTemplate(n->value, exprOptionsFor("no-context"), errors);
  if (!errors.empty()) {
    for (const auto &e : errors)
      diags.add(e.kind, scalarValueRange(sm, *n, e.offset, e.length), e.message).valueRange =
          n->range;
    return true;
  }
  if (t.isSingleExpression() && t.parts[0].ast && t.parts[0].ast->op == ir::ExprOp::String) {
    if (folded)
      *folded = t.parts[0].ast->text;
    return false;
  }
  // Point at the first expression's body; the whole value, where GitHub's parser
  // reports it, is the value range.
  ir::SourceRange r = n->range;
  for (const auto &p : t.parts)
    if (p.isExpr) {
      r = scalarValueRange(sm, *n, p.offset, std::max<size_t>(1, p.text.size()));
      break;
    }
  auto &d = diags.report(ir::DiagKind::SchemaExprNotAllowed, r);
  d.valueRange = n->range;
  return true;
}

static void reportShape(LowerContext &cx, const YamlNode *n, llvm::StringRef what) {
  if (n->isMapping())
    cx.diags.report(ir::DiagKind::SchemaUnexpectedMapping, n->range)
        .note({}, "expected " + what.str());
  else if (n->isSequence())
    cx.diags.report(ir::DiagKind::SchemaUnexpectedSequence, n->range)
        .note({}, "expected " + what.str());
  else if (!cx.rejectExpression(n))
    cx.diags.report(ir::DiagKind::SchemaInvalidValue, n->range, n->value)
        .note({}, "expected " + what.str() + ", got " + n->describe().str());
}

bool LowerContext::expectMapping(const YamlNode *n, llvm::StringRef what) {
  if (n && n->isMapping())
    return true;
  if (n)
    reportShape(*this, n, what);
  return false;
}

bool LowerContext::expectSequence(const YamlNode *n, llvm::StringRef what) {
  if (n && n->isSequence())
    return true;
  if (n)
    reportShape(*this, n, what);
  return false;
}

bool LowerContext::expectScalar(const YamlNode *n, llvm::StringRef what) {
  if (n && n->isScalar())
    return true;
  if (n)
    reportShape(*this, n, what);
  return false;
}

void LowerContext::unknownKey(const YamlEntry &e, llvm::ArrayRef<llvm::StringRef> allowed,
                              llvm::StringRef where) {
  llvm::StringRef k = e.key->isScalar() ? e.key->value : llvm::StringRef();
  if (e.key->isScalar() && rejectExpression(e.key))
    return;
  auto &d = diags.report(unknownKeysAreWarnings ? ir::DiagKind::ActionUnknownKey
                                                : ir::DiagKind::SchemaUnknownKey,
                         e.key->range, k);
  llvm::StringRef near = closestMatch(k, allowed);
  if (!near.empty())
    d.note({}, "did you mean '" + near.str() + "'?");
  d.note({}, where.str() + " allows: " + joinList(allowed));
}

void LowerContext::invalidValue(const YamlNode *n, llvm::ArrayRef<llvm::StringRef> allowed,
                                llvm::StringRef what) {
  if (!n->isScalar()) {
    reportShape(*this, n, what);
    return;
  }
  if (rejectExpression(n))
    return;
  auto &d = diags.report(ir::DiagKind::SchemaInvalidValue, n->range, n->value);
  llvm::StringRef near = closestMatch(n->value, allowed);
  if (!near.empty())
    d.note({}, "did you mean '" + near.str() + "'?");
  d.note({}, what.str() + " must be one of: " + joinList(allowed));
}

void LowerContext::missingKey(const YamlNode *mapping, llvm::StringRef key) {
  diags.report(ir::DiagKind::SchemaMissingKey, mapping->range, key);
}

ir::LocatedString LowerContext::key(const YamlEntry &e, bool allowExpression) {
  ir::LocatedString s;
  s.range = e.key->range;
  if (e.key->isScalar()) {
    s.value = e.key->value.str();
    std::string folded;
    if (!allowExpression && !rejectExpression(e.key, &folded) && hasExpressionMarker(s.value))
      s.value = folded;
  } else {
    reportShape(*this, e.key, "a string key");
  }
  return s;
}

static std::string scalarText(const YamlNode *n) {
  if (n->type == ScalarType::Null)
    return "";
  if (n->type == ScalarType::Bool)
    return *n->asBool() ? "true" : "false";
  if (n->type == ScalarType::Int || n->type == ScalarType::Float) {
    if (auto v = n->asNumber())
      return ir::formatNumber(*v);
  }
  return n->value.str();
}

std::optional<ir::LocatedString> LowerContext::literal(const YamlNode *n, llvm::StringRef what) {
  std::string folded;
  if (!expectScalar(n, what) || rejectExpression(n, &folded))
    return std::nullopt;
  if (!folded.empty() || (n->isString() && hasExpressionMarker(n->value)))
    return ir::LocatedString{folded, n->range};
  return ir::LocatedString{scalarText(n), n->range};
}

ir::Template LowerContext::parseScalarTemplate(const YamlNode *n, llvm::StringRef text,
                                               llvm::StringRef definition, bool bare) {
  if (!bare && !hasExpressionMarker(text)) {
    // Literal text (most values): no parts, the text is `raw`.
    ir::Template t;
    t.raw = text.str();
    t.range = n->range;
    return t;
  }
  std::vector<TemplateError> errors;
  const ExprParseOptions &opts = exprOptionsFor(definition);
  ir::Template t = bare ? parseBareExpression(text, opts, errors) : parseTemplate(text, opts, errors);
  t.range = n->range;
  // `${{ insert }}` is a directive, valid only as a whole mapping key.
  bool insert = false;
  for (const auto &p : t.parts)
    if (p.isExpr && p.text == "insert")
      insert = true;
  if (insert && !t.isSingleExpression()) {
    auto &d = diags.report(ir::DiagKind::SchemaInsertNotAllowed, n->range);
    d.valueRange = n->range;
    return t;
  }
  for (const auto &e : errors) {
    ir::SourceRange r = n->isScalar() && text.data() == n->value.data()
                            ? scalarValueRange(sm, *n, e.offset, e.length)
                            : n->range;
    auto &d = diags.add(e.kind, r, e.message);
    d.valueRange = n->range;
  }
  return t;
}

std::optional<ir::Template> LowerContext::templ(const YamlNode *n, llvm::StringRef definition,
                                                llvm::StringRef what) {
  if (!expectScalar(n, what))
    return std::nullopt;
  if (n->type != ScalarType::String) {
    ir::Template t;
    t.raw = scalarText(n);
    t.range = n->range;
    return t;
  }
  return parseScalarTemplate(n, n->value, definition, false);
}

std::optional<ir::Template> LowerContext::condition(const YamlNode *n, llvm::StringRef definition) {
  if (!expectScalar(n, "an expression"))
    return std::nullopt;
  if (n->type != ScalarType::String) {
    std::string text = n->type == ScalarType::Null ? "" : n->value.str();
    ir::Template t;
    if (!text.empty()) {
      std::vector<TemplateError> errors;
      t = parseBareExpression(text, exprOptionsFor(definition), errors);
      for (const auto &e : errors)
        diags.add(e.kind, n->range, e.message).valueRange = n->range;
    }
    t.range = n->range;
    return t;
  }
  return parseScalarTemplate(n, n->value, definition, !hasExpressionMarker(n->value));
}

/// `${{ insert }}`, the whole key (spaces inside the braces allowed).
static bool isInsertDirective(llvm::StringRef key) {
  key = key.trim();
  if (!key.consume_front("${{") || !key.consume_back("}}"))
    return false;
  return key.trim() == "insert";
}

ir::TemplateToken LowerContext::token(const YamlNode *n, llvm::StringRef definition,
                                      bool stringLeaves) {
  ir::TemplateToken t;
  if (!n)
    return t;
  t.range = n->range;
  switch (n->kind) {
  case NodeKind::Sequence:
    t.kind = ir::TemplateToken::Kind::Sequence;
    t.items.reserve(n->items.size());
    for (const YamlNode *i : n->items)
      t.items.push_back(token(i, definition, stringLeaves));
    return t;
  case NodeKind::Mapping:
    t.kind = ir::TemplateToken::Kind::Mapping;
    t.entries.reserve(n->entries.size());
    for (const YamlEntry &e : n->entries) {
      // GitHub's template reader takes expression keys (and `${{ insert }}`) in a
      // matrix: checked here, evaluated with the matrix (passes/matrix_template.h).
      bool exprKey = definition == "matrix" && e.key->isScalar() && hasExpressionMarker(e.key->value);
      if (exprKey && !isInsertDirective(e.key->value))
        (void)parseScalarTemplate(e.key, e.key->value, definition, false);
      t.entries.push_back({key(e, exprKey), token(e.value, definition, stringLeaves)});
    }
    return t;
  case NodeKind::Scalar:
    break;
  }
  if (stringLeaves && n->type != ScalarType::String && n->type != ScalarType::Null) {
    t = ir::TemplateToken::makeString(scalarText(n), n->range);
    return t;
  }
  switch (n->type) {
  case ScalarType::Null:
    t.kind = ir::TemplateToken::Kind::Null;
    break;
  case ScalarType::Bool:
    t.kind = ir::TemplateToken::Kind::Bool;
    t.boolean = n->asBool().value_or(false);
    break;
  case ScalarType::Int:
  case ScalarType::Float:
    t.kind = ir::TemplateToken::Kind::Number;
    t.number = n->asNumber().value_or(0);
    break;
  case ScalarType::String:
    t.kind = ir::TemplateToken::Kind::String;
    t.str = parseScalarTemplate(n, n->value, definition, false);
    break;
  }
  return t;
}

std::optional<bool> LowerContext::literalBool(const YamlNode *n, llvm::StringRef what) {
  if (!expectScalar(n, what))
    return std::nullopt;
  if (n->type == ScalarType::Bool)
    return n->asBool();
  if (!rejectExpression(n))
    diags.report(ir::DiagKind::SchemaInvalidValue, n->range, n->value)
        .note({}, what.str() + " must be true or false");
  return std::nullopt;
}

std::optional<ir::TemplateToken> LowerContext::boolOrExpr(const YamlNode *n,
                                                          llvm::StringRef definition,
                                                          bool allowExpression) {
  if (!expectScalar(n, "a boolean"))
    return std::nullopt;
  if (n->type == ScalarType::Bool || (allowExpression && n->type == ScalarType::String &&
                                      hasExpressionMarker(n->value)))
    return token(n, definition);
  if (allowExpression || !rejectExpression(n))
    diags.report(ir::DiagKind::SchemaInvalidValue, n->range, n->value)
        .note({}, allowExpression ? "expected true, false or a ${{ }} expression"
                                        : "expected true or false");
  return std::nullopt;
}

std::optional<ir::TemplateToken> LowerContext::numberOrExpr(const YamlNode *n,
                                                            llvm::StringRef definition) {
  if (!expectScalar(n, "a number"))
    return std::nullopt;
  if (n->type == ScalarType::Int || n->type == ScalarType::Float ||
      (n->type == ScalarType::String && hasExpressionMarker(n->value)))
    return token(n, definition);
  diags.report(ir::DiagKind::SchemaInvalidValue, n->range, n->value)
      .note({}, "expected a number of minutes or a ${{ }} expression");
  return std::nullopt;
}

std::vector<ir::NamedTemplate>
LowerContext::stringMap(const YamlNode *n, llvm::StringRef definition, llvm::StringRef what) {
  std::vector<ir::NamedTemplate> out;
  if (n && n->isScalar() && n->isString() && hasExpressionMarker(n->value)) {
    // A whole-map expression (`env: ${{ fromJSON(...) }}`): kept as one
    // entry with an empty name.
    auto t = templ(n, definition, what);
    if (t)
      out.push_back({ir::LocatedString{"", n->range}, std::move(*t)});
    return out;
  }
  if (n && n->isNull()) // GitHub: a mapping is expected, `Unexpected value ''`
    diags.report(ir::DiagKind::SchemaInvalidValue, n->range, "").note({}, "expected " + what.str());
  if (!n || n->isNull() || !expectMapping(n, what))
    return out;
  out.reserve(n->entries.size());
  for (const YamlEntry &e : n->entries) {
    ir::LocatedString k = key(e, /*allowExpression=*/true);
    // A `${{ }}` key is evaluated with the map's contexts: check it like a value.
    if (e.key->isScalar() && e.key->isString() && hasExpressionMarker(e.key->value))
      (void)parseScalarTemplate(e.key, e.key->value, definition, false);
    if (auto t = templ(e.value, definition, "a string"))
      out.push_back({std::move(k), std::move(*t)});
  }
  return out;
}

std::vector<ir::LocatedString> LowerContext::stringList(const YamlNode *n, llvm::StringRef what) {
  std::vector<ir::LocatedString> out;
  if (!n || n->isNull())
    return out;
  if (n->isScalar()) {
    if (auto s = literal(n, what))
      out.push_back(std::move(*s));
    return out;
  }
  if (!expectSequence(n, what))
    return out;
  for (const YamlNode *i : n->items)
    if (auto s = literal(i, what))
      out.push_back(std::move(*s));
  return out;
}

} // namespace frontend
