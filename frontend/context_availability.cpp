// Context availability per workflow key, built from the generated schema table.
#include "frontend/context_availability.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <climits>

namespace frontend {

namespace {

struct RawDefinition {
  const char *name;
  const char *contexts;
  const char *functions;
};
struct RawKey {
  const char *parent;
  const char *key;
  const char *definition;
};

#define CI_CONTEXT_DEFINITION(name, contexts, functions) {name, contexts, functions},
#define CI_CONTEXT_KEY(parent, key, definition)
const RawDefinition kDefinitions[] = {
#include "frontend/context_availability.inc"
};
#undef CI_CONTEXT_DEFINITION
#undef CI_CONTEXT_KEY

#define CI_CONTEXT_DEFINITION(name, contexts, functions)
#define CI_CONTEXT_KEY(parent, key, definition) {parent, key, definition},
const RawKey kKeys[] = {
#include "frontend/context_availability.inc"
};
#undef CI_CONTEXT_DEFINITION
#undef CI_CONTEXT_KEY

/// Parses "name(min,max)" where max may be MAX.
FunctionSignature parseSignature(llvm::StringRef text) {
  FunctionSignature sig;
  auto [name, rest] = text.split('(');
  sig.name = name.trim().str();
  rest = rest.rtrim(')');
  auto [lo, hi] = rest.split(',');
  unsigned v = 0;
  if (!lo.trim().getAsInteger(10, v))
    sig.minArgs = v;
  hi = hi.trim();
  if (hi == "MAX")
    sig.maxArgs = UINT_MAX;
  else if (!hi.getAsInteger(10, v))
    sig.maxArgs = v;
  return sig;
}

std::vector<ContextAvailability> buildTable() {
  std::vector<ContextAvailability> table;
  for (const RawDefinition &raw : kDefinitions) {
    ContextAvailability a;
    a.definition = raw.name;
    llvm::SmallVector<llvm::StringRef, 16> parts;
    llvm::StringRef(raw.contexts).split(parts, ',', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef c : parts)
      a.contexts.push_back(c.trim().str());
    // Function items contain commas inside their parentheses: split on "),".
    llvm::StringRef fns(raw.functions);
    while (!fns.empty()) {
      size_t close = fns.find(')');
      llvm::StringRef item = fns.substr(0, close == llvm::StringRef::npos ? fns.size() : close + 1);
      a.functions.push_back(parseSignature(item));
      fns = fns.drop_front(item.size()).ltrim(',');
    }
    table.push_back(std::move(a));
  }
  std::sort(table.begin(), table.end(),
            [](const auto &x, const auto &y) { return x.definition < y.definition; });
  return table;
}

} // namespace

bool ContextAvailability::allowsContext(llvm::StringRef name) const {
  return std::any_of(contexts.begin(), contexts.end(),
                     [&](const std::string &c) { return name.equals_insensitive(c); });
}

const FunctionSignature *ContextAvailability::findFunction(llvm::StringRef name) const {
  for (const auto &f : functions)
    if (name.equals_insensitive(f.name))
      return &f;
  return nullptr;
}

llvm::ArrayRef<ContextAvailability> allContextAvailability() {
  static const std::vector<ContextAvailability> table = buildTable();
  return table;
}

llvm::StringRef definitionForKey(llvm::StringRef parent, llvm::StringRef key) {
  for (const RawKey &k : kKeys)
    if (parent == k.parent && key == k.key)
      return k.definition;
  return {};
}

const ContextAvailability *findContextAvailability(llvm::StringRef definition) {
  llvm::ArrayRef<ContextAvailability> table = allContextAvailability();
  auto it = std::lower_bound(table.begin(), table.end(), definition,
                             [](const ContextAvailability &a, llvm::StringRef n) {
                               return llvm::StringRef(a.definition) < n;
                             });
  if (it != table.end() && it->definition == definition)
    return &*it;
  // "parent.key": the parent never contains '.', the key may be '*'.
  auto [parent, key] = definition.split('.');
  if (!key.empty()) {
    llvm::StringRef def = definitionForKey(parent, key);
    return def.empty() ? nullptr : findContextAvailability(def);
  }
  // A free-form mapping whose values share one definition.
  llvm::StringRef def = definitionForKey(definition, "*");
  return def.empty() ? nullptr : findContextAvailability(def);
}

ExprParseOptions parseOptionsFor(llvm::StringRef definition) {
  static const std::vector<std::string> none;
  ExprParseOptions opts;
  if (const ContextAvailability *a = findContextAvailability(definition)) {
    opts.contexts = &a->contexts;
    opts.extraFunctions = a->functions;
  } else {
    opts.contexts = &none;
  }
  return opts;
}

} // namespace frontend
