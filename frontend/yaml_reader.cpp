// libyaml event stream -> located YamlNode tree, with GitHub's YAML rules.
#include "frontend/yaml_reader.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <yaml.h>

#include <algorithm>
#include <cstring>

namespace frontend {

namespace {

constexpr llvm::StringLiteral kTagPrefix = "tag:yaml.org,2002:";

struct Frame {
  YamlNode *node = nullptr;
  llvm::SmallVector<YamlNode *, 8> items;
  llvm::SmallVector<YamlEntry, 8> entries;
  YamlNode *pendingKey = nullptr;
  uint64_t weight = 1; // nodes in this subtree, aliases expanded
};

class Reader {
public:
  Reader(const ir::SourceManager &sm, ir::FileId file, ir::DiagnosticEngine &diags,
         const YamlReadOptions &opts)
      : sm_(sm), file_(file), diags_(diags), opts_(opts) {}

  std::unique_ptr<YamlDocument> run();

private:
  ir::SourceRange rangeOf(const yaml_mark_t &start, const yaml_mark_t &end) const {
    return {file_, static_cast<uint32_t>(start.line + 1), static_cast<uint32_t>(start.column + 1),
            static_cast<uint32_t>(end.line + 1), static_cast<uint32_t>(end.column + 1)};
  }
  bool checkEncoding(llvm::StringRef text);
  bool handle(const yaml_event_t &ev);
  bool beginNode(YamlNode *node, const yaml_event_t &ev, const unsigned char *anchor);
  bool finishNode(YamlNode *node, uint64_t weight);
  bool addChild(YamlNode *node, uint64_t weight);
  void checkDuplicates(const Frame &f);
  bool typeScalar(YamlNode *n, const yaml_event_t &ev);

  const ir::SourceManager &sm_;
  ir::FileId file_;
  ir::DiagnosticEngine &diags_;
  const YamlReadOptions &opts_;
  std::unique_ptr<YamlDocument> doc_;
  std::vector<Frame> stack_;
  size_t depth_ = 0; // frames in use (stack_ keeps capacity for reuse)
  llvm::StringMap<std::pair<YamlNode *, uint64_t>> anchors_;
  size_t nodes_ = 0;
  uint64_t aliasExpanded_ = 0;
  int documents_ = 0;
};

bool Reader::checkEncoding(llvm::StringRef text) {
  const unsigned char *p = reinterpret_cast<const unsigned char *>(text.data());
  size_t n = text.size(), i = 0;
  while (i < n) {
    // Eight bytes at a time while they are ASCII and not NUL (most of a workflow).
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
      if (((w | ((w - kOnes) & ~w)) & kHigh) != 0)
        break; // a byte >= 0x80 or a zero byte in this word
      i += 8;
    }
    if (i >= n)
      break;
    unsigned char c = p[i];
    if (c < 0x80) {
      if (c == 0) {
        ir::SourcePos pos = sm_.posOf(file_, i);
        diags_.report(ir::DiagKind::NulByte, ir::SourceRange::point(file_, pos.line, pos.col));
        return false;
      }
      ++i;
      continue;
    }
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool ok = len != 0 && i + len <= n && c != 0xC0 && c != 0xC1 && c < 0xF5;
    for (size_t k = 1; ok && k < len; ++k)
      ok = (p[i + k] & 0xC0) == 0x80;
    if (ok && len == 3) {
      unsigned cp = ((c & 0x0F) << 12) | ((p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
      ok = cp >= 0x800 && !(cp >= 0xD800 && cp <= 0xDFFF);
    } else if (ok && len == 4) {
      unsigned cp = ((c & 0x07) << 18) | ((p[i + 1] & 0x3F) << 12) | ((p[i + 2] & 0x3F) << 6) |
                    (p[i + 3] & 0x3F);
      ok = cp >= 0x10000 && cp <= 0x10FFFF;
    }
    if (!ok) {
      ir::SourcePos pos = sm_.posOf(file_, i);
      diags_.report(ir::DiagKind::InvalidUtf8, ir::SourceRange::point(file_, pos.line, pos.col),
                    static_cast<unsigned>(c));
      return false;
    }
    i += len;
  }
  return true;
}

std::unique_ptr<YamlDocument> Reader::run() {
  doc_ = std::make_unique<YamlDocument>();
  doc_->file = file_;
  llvm::StringRef text = sm_.text(file_);
  if (text.size() > opts_.maxFileSize) {
    diags_.report(ir::DiagKind::FileTooLarge, ir::SourceRange::point(file_, 1, 1), text.size(),
                  opts_.maxFileSize);
    return std::move(doc_);
  }
  if (!checkEncoding(text))
    return std::move(doc_);

  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char *>(text.data()),
                               text.size());
  yaml_event_t ev;
  for (;;) {
    if (!yaml_parser_parse(&parser, &ev)) {
      std::string msg = parser.problem ? parser.problem : "invalid YAML";
      yaml_mark_t mark = parser.problem_mark;
      if (parser.context) {
        msg = std::string(parser.context) + ": " + msg;
      }
      ir::Diagnostic &d = diags_.report(
          ir::DiagKind::YamlSyntax,
          ir::SourceRange::point(file_, static_cast<uint32_t>(mark.line + 1),
                                 static_cast<uint32_t>(mark.column + 1)),
          msg);
      if (parser.context)
        d.note(ir::SourceRange::point(file_, static_cast<uint32_t>(parser.context_mark.line + 1),
                                      static_cast<uint32_t>(parser.context_mark.column + 1)),
               std::string("the construct started here"));
      break;
    }
    bool keepGoing = handle(ev);
    bool end = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    if (!keepGoing || end)
      break;
  }
  yaml_parser_delete(&parser);
  return std::move(doc_);
}

bool Reader::beginNode(YamlNode *node, const yaml_event_t &ev, const unsigned char *anchor) {
  node->range = rangeOf(ev.start_mark, ev.end_mark);
  if (++nodes_ > opts_.maxNodes) {
    diags_.report(ir::DiagKind::YamlMaxNodes, node->range, opts_.maxNodes);
    return false;
  }
  if (anchor) {
    llvm::StringRef name(reinterpret_cast<const char *>(anchor));
    if (!opts_.allowAnchors) {
      diags_.report(ir::DiagKind::YamlAnchorsDisabled, node->range, name);
      return false;
    }
    node->anchor = doc_->copyString(name);
  }
  return true;
}

bool Reader::typeScalar(YamlNode *n, const yaml_event_t &ev) {
  const auto &sc = ev.data.scalar;
  switch (sc.style) {
  case YAML_SINGLE_QUOTED_SCALAR_STYLE:
    n->style = ScalarStyle::SingleQuoted;
    break;
  case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
    n->style = ScalarStyle::DoubleQuoted;
    break;
  case YAML_LITERAL_SCALAR_STYLE:
    n->style = ScalarStyle::Literal;
    break;
  case YAML_FOLDED_SCALAR_STYLE:
    n->style = ScalarStyle::Folded;
    break;
  default:
    n->style = ScalarStyle::Plain;
    break;
  }
  if (!sc.tag) {
    n->type = n->style == ScalarStyle::Plain ? resolvePlainScalar(n->value) : ScalarType::String;
    return true;
  }
  llvm::StringRef tag(reinterpret_cast<const char *>(sc.tag));
  n->tag = doc_->copyString(tag);
  if (tag == "!") { // non-specific tag: a string
    n->type = ScalarType::String;
    return true;
  }
  if (!tag.startswith(kTagPrefix)) {
    diags_.report(ir::DiagKind::YamlUnsupportedTag, n->range, tag);
    return true;
  }
  llvm::StringRef name = tag.drop_front(kTagPrefix.size());
  if (name == "str") {
    n->type = ScalarType::String;
    return true;
  }
  ScalarType want;
  if (name == "null")
    want = ScalarType::Null;
  else if (name == "bool")
    want = ScalarType::Bool;
  else if (name == "int")
    want = ScalarType::Int;
  else if (name == "float")
    want = ScalarType::Float;
  else {
    diags_.report(ir::DiagKind::YamlUnsupportedTag, n->range, tag);
    n->type = ScalarType::String;
    return true;
  }
  if (n->style != ScalarStyle::Plain) {
    diags_.report(ir::DiagKind::YamlBadTagStyle, n->range, scalarStyleName(n->style), tag);
    n->type = ScalarType::String;
    return true;
  }
  ScalarType got = resolvePlainScalar(n->value);
  bool ok = got == want || (want == ScalarType::Float && got == ScalarType::Int);
  if (!ok) {
    diags_.report(ir::DiagKind::YamlBadTaggedValue, n->range, n->value, tag);
    n->type = ScalarType::String;
    return true;
  }
  n->type = want;
  return true;
}

bool Reader::addChild(YamlNode *node, uint64_t weight) {
  if (depth_ == 0) {
    doc_->root = node;
    return true;
  }
  Frame &f = stack_[depth_ - 1];
  f.weight = std::min<uint64_t>(f.weight + weight, UINT64_MAX / 4);
  if (f.node->isSequence()) {
    f.items.push_back(node);
    return true;
  }
  if (!f.pendingKey) {
    if (node->isScalar() && node->style == ScalarStyle::Plain && node->value == "<<") {
      diags_.report(ir::DiagKind::YamlMergeKey, node->range);
    }
    f.pendingKey = node;
    return true;
  }
  f.entries.push_back({f.pendingKey, node});
  f.pendingKey = nullptr;
  return true;
}

void Reader::checkDuplicates(const Frame &f) {
  const auto &es = f.entries;
  auto report = [&](const YamlEntry &dup, const YamlEntry &first) {
    diags_.report(ir::DiagKind::YamlDuplicateKey, dup.key->range, dup.key->value,
                  first.key->range.line)
        .note(first.key->range, "first defined here");
  };
  if (es.size() <= 16) {
    for (size_t i = 1; i < es.size(); ++i) {
      if (!es[i].key->isScalar())
        continue;
      for (size_t j = 0; j < i; ++j)
        if (es[j].key->isScalar() && es[j].key->value.equals_insensitive(es[i].key->value)) {
          report(es[i], es[j]);
          break;
        }
    }
    return;
  }
  llvm::StringMap<size_t> seen;
  for (size_t i = 0; i < es.size(); ++i) {
    if (!es[i].key->isScalar())
      continue;
    auto [it, inserted] = seen.try_emplace(es[i].key->value.lower(), i);
    if (!inserted)
      report(es[i], es[it->second]);
  }
}

bool Reader::finishNode(YamlNode *node, uint64_t weight) {
  if (!node->anchor.empty())
    anchors_[node->anchor] = {node, weight};
  return addChild(node, weight);
}

bool Reader::handle(const yaml_event_t &ev) {
  switch (ev.type) {
  case YAML_STREAM_START_EVENT:
  case YAML_STREAM_END_EVENT:
  case YAML_NO_EVENT:
    return true;
  case YAML_DOCUMENT_START_EVENT:
    if (++documents_ > 1 && !opts_.allowMultipleDocuments) {
      diags_.report(ir::DiagKind::YamlMultipleDocuments, rangeOf(ev.start_mark, ev.end_mark));
      return false;
    }
    anchors_.clear();
    return true;
  case YAML_DOCUMENT_END_EVENT:
    return true;
  case YAML_ALIAS_EVENT: {
    llvm::StringRef name(reinterpret_cast<const char *>(ev.data.alias.anchor));
    ir::SourceRange r = rangeOf(ev.start_mark, ev.end_mark);
    auto it = anchors_.find(name);
    if (it == anchors_.end()) {
      // An alias inside the node its anchor names (`a: &x {b: *x}`) would make a
      // cycle: reported, read as null, and reading goes on.
      for (unsigned i = 0; i < depth_; ++i)
        if (stack_[i].node->anchor == name) {
          const ir::SourceRange &a = stack_[i].node->range;
          diags_.report(ir::DiagKind::YamlRecursiveAlias, r, name, a.line, a.col);
          YamlNode *n = doc_->newNode();
          n->kind = NodeKind::Scalar;
          n->type = ScalarType::Null;
          n->range = r;
          return addChild(n, 1);
        }
      diags_.report(ir::DiagKind::YamlUnknownAlias, r, name);
      return false;
    }
    aliasExpanded_ += it->second.second;
    if (aliasExpanded_ > opts_.aliasBudget) {
      diags_.report(ir::DiagKind::YamlAliasBudget, r, name, opts_.aliasBudget);
      return false;
    }
    return addChild(it->second.first, it->second.second);
  }
  case YAML_SCALAR_EVENT: {
    YamlNode *n = doc_->newNode();
    if (!beginNode(n, ev, ev.data.scalar.anchor))
      return false;
    n->kind = NodeKind::Scalar;
    n->value = doc_->copyString(
        llvm::StringRef(reinterpret_cast<const char *>(ev.data.scalar.value), ev.data.scalar.length));
    typeScalar(n, ev);
    return finishNode(n, 1);
  }
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: {
    bool isSeq = ev.type == YAML_SEQUENCE_START_EVENT;
    YamlNode *n = doc_->newNode();
    if (!beginNode(n, ev, isSeq ? ev.data.sequence_start.anchor : ev.data.mapping_start.anchor))
      return false;
    n->kind = isSeq ? NodeKind::Sequence : NodeKind::Mapping;
    const unsigned char *tag = isSeq ? ev.data.sequence_start.tag : ev.data.mapping_start.tag;
    if (tag) {
      llvm::StringRef t(reinterpret_cast<const char *>(tag));
      n->tag = doc_->copyString(t);
      llvm::StringRef want = isSeq ? "tag:yaml.org,2002:seq" : "tag:yaml.org,2002:map";
      if (t != want && t != "!")
        diags_.report(ir::DiagKind::YamlUnsupportedTag, n->range, t);
    }
    if (depth_ >= opts_.maxDepth) {
      diags_.report(ir::DiagKind::YamlMaxDepth, n->range, opts_.maxDepth);
      return false;
    }
    if (stack_.size() <= depth_)
      stack_.emplace_back();
    Frame &f = stack_[depth_++];
    f.node = n;
    f.items.clear();
    f.entries.clear();
    f.pendingKey = nullptr;
    f.weight = 1;
    return true;
  }
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT: {
    Frame &f = stack_[--depth_];
    YamlNode *n = f.node;
    n->range.endLine = static_cast<uint32_t>(ev.end_mark.line + 1);
    n->range.endCol = static_cast<uint32_t>(ev.end_mark.column + 1);
    if (n->isSequence()) {
      YamlNode **items = doc_->arena.Allocate<YamlNode *>(f.items.size());
      std::copy(f.items.begin(), f.items.end(), items);
      n->items = llvm::ArrayRef<YamlNode *>(items, f.items.size());
    } else {
      if (opts_.checkDuplicateKeys)
        checkDuplicates(f);
      YamlEntry *entries = doc_->arena.Allocate<YamlEntry>(f.entries.size());
      std::copy(f.entries.begin(), f.entries.end(), entries);
      n->entries = llvm::ArrayRef<YamlEntry>(entries, f.entries.size());
    }
    return finishNode(n, f.weight);
  }
  }
  return true;
}

} // namespace

std::unique_ptr<YamlDocument> readYaml(const ir::SourceManager &sm, ir::FileId file,
                                       ir::DiagnosticEngine &diags, const YamlReadOptions &opts) {
  Reader r(sm, file, diags, opts);
  return r.run();
}

// Aligns the decoded value with the raw source text: each value character is
// matched with the next equal raw character; raw characters in between
// (quotes, escapes, indentation, block indicators) are skipped. A folded line
// break in the value (a space or '\n') also matches a raw line break.
ir::SourcePos scalarValuePos(const ir::SourceManager &sm, const YamlNode &node, size_t offset) {
  ir::SourcePos start{node.range.line, node.range.col};
  if (node.range.file == 0 || !node.range.valid())
    return start;
  llvm::StringRef text = sm.text(node.range.file);
  size_t rawBegin = sm.offsetOf(node.range.file, start);
  size_t rawEnd = sm.offsetOf(node.range.file, {node.range.endLine, node.range.endCol});
  if (rawEnd < rawBegin || rawEnd > text.size())
    rawEnd = text.size();
  llvm::StringRef value = node.value;
  offset = std::min(offset, value.size());
  size_t r = rawBegin;
  for (size_t v = 0; v <= offset; ++v) {
    if (v == value.size()) // one past the end: just after the last match
      break;
    char c = value[v];
    while (r < rawEnd) {
      char rc = text[r];
      if (rc == c || ((c == ' ' || c == '\n') && (rc == '\n' || rc == '\r')))
        break;
      ++r;
    }
    if (r >= rawEnd)
      return start;
    if (v == offset)
      return sm.posOf(node.range.file, r);
    ++r;
  }
  return sm.posOf(node.range.file, r);
}

ir::SourceRange scalarValueRange(const ir::SourceManager &sm, const YamlNode &node, size_t offset,
                                 size_t len) {
  ir::SourcePos b = scalarValuePos(sm, node, offset);
  ir::SourcePos e = len == 0 ? b : scalarValuePos(sm, node, offset + len - 1);
  if (len != 0)
    e.col += 1;
  if (e < b)
    e = {b.line, b.col + 1};
  return {node.range.file, b.line, b.col, e.line, e.col};
}

} // namespace frontend
