// Recursive-descent expression parser with GitHub's messages and limits.
#include "frontend/expr_parser.h"

#include "frontend/expr_lexer.h"
#include "ir/text_case.h"

#include "llvm/ADT/DenseMap.h"

#include <algorithm>
#include <climits>

namespace frontend {

const std::vector<FunctionSignature> &builtinFunctions() {
  static const std::vector<FunctionSignature> fns = {
      {"contains", 2, 2}, {"startsWith", 2, 2}, {"endsWith", 2, 2}, {"format", 1, 255},
      {"join", 1, 2},     {"toJSON", 1, 1},     {"fromJSON", 1, 1}, {"case", 3, 255},
  };
  return fns;
}

const FunctionSignature *findBuiltinFunction(llvm::StringRef name) {
  for (const auto &f : builtinFunctions())
    if (ir::identifierEquals(name, f.name))
      return &f;
  return nullptr;
}

namespace {

using ir::Expr;
using ir::ExprError;
using ir::ExprOp;
using ir::ExprPtr;

struct ParseFailure {};

class Parser {
public:
  Parser(llvm::StringRef src, std::vector<LexToken> &toks, const ExprParseOptions &opts)
      : src_(src), toks_(toks), opts_(opts) {}

  ExprPtr parseAll() {
    ExprPtr e = parseOr();
    if (i_ < toks_.size())
      failAt(toks_[i_], "Unexpected symbol");
    return e;
  }
  ExprError error;
  /// Named values this key does not allow, in source order.
  std::vector<const LexToken *> unknownNamed;
  /// The error for one of `unknownNamed`.
  ExprError unknownNamedError(const LexToken &t) const {
    return ExprError{ExprError::Kind::Parsing, "Unrecognized named-value: '" + lexeme(t) + "'",
                     static_cast<int64_t>(t.pos)};
  }
  size_t tokenCount() const { return toks_.size(); }
  /// How many parentheses directly wrap each node (GitHub counts them as depth).
  llvm::DenseMap<const Expr *, unsigned> groups;

private:
  const LexToken *peek() const { return i_ < toks_.size() ? &toks_[i_] : nullptr; }
  bool at(TokenKind k) const { return i_ < toks_.size() && toks_[i_].kind == k; }

  std::string lexeme(const LexToken &t) const { return src_.substr(t.pos, t.len).str(); }
  llvm::StringRef slice(const LexToken &t) const { return src_.substr(t.pos, t.len); }

  [[noreturn]] void fail(std::string msg, int64_t pos) {
    error.kind = ExprError::Kind::Parsing;
    error.message = std::move(msg);
    error.pos = pos;
    throw ParseFailure{};
  }
  [[noreturn]] void failAt(const LexToken &t, llvm::StringRef what) {
    fail(what.str() + ": '" + lexeme(t) + "'", t.pos);
  }
  /// An operand was expected but the input ended: GitHub names the last token.
  [[noreturn]] void failEnd() {
    if (toks_.empty())
      fail("Unexpected end of expression", -1);
    const LexToken &last = toks_.back();
    failAt(last, "Unexpected end of expression");
  }
  /// A specific token was expected but the input ended: GitHub reports the EOF
  /// token, which sits where the last token (or trailing blank) starts.
  [[noreturn]] void failEOF() {
    int64_t pos = toks_.empty() ? 0 : toks_.back().pos;
    if (!src_.empty() && (src_.back() == ' ' || src_.back() == '\t' || src_.back() == '\n' ||
                          src_.back() == '\r'))
      pos = static_cast<int64_t>(src_.size()) - 1;
    fail("Unexpected symbol: 'EOF'", pos);
  }
  LexToken &next() {
    if (i_ >= toks_.size())
      failEnd();
    return toks_[i_++];
  }
  void expect(TokenKind k) {
    if (i_ >= toks_.size())
      failEOF();
    if (toks_[i_].kind != k)
      failAt(toks_[i_], "Unexpected symbol");
    ++i_;
  }

  /// Bounds the parser's recursion (the stack), not the tree depth GitHub limits,
  /// which is checked on the finished tree (see treeDepth); nested groups, which
  /// add no tree depth, may recurse up to four times the limit.
  struct DepthGuard {
    Parser &p;
    DepthGuard(Parser &p, const LexToken &) : p(p) {
      if (++p.depth_ > 4 * p.opts_.maxDepth + 8)
        p.fail("Exceeded max expression depth " + std::to_string(p.opts_.maxDepth), -1);
    }
    ~DepthGuard() { --p.depth_; }
  };

  static ExprPtr node(ExprOp op, const LexToken &t) {
    // Default-initialised (every member has an initialiser): make_unique's value
    // initialisation would first zero the whole node, a measurable cost here.
    ExprPtr e(new Expr);
    e->op = op;
    e->pos = t.pos;
    e->len = t.len;
    return e;
  }
  static ExprPtr binary(ExprOp op, const LexToken &t, ExprPtr l, ExprPtr r) {
    auto e = node(op, t);
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return e;
  }

  /// Binding strength of a binary operator token (0: not one): || < && < ==, != <
  /// relational, all left-associative (gha-semantics §5.2).
  static int precedence(TokenKind k) {
    switch (k) {
    case TokenKind::Or:
      return 1;
    case TokenKind::And:
      return 2;
    case TokenKind::Eq:
    case TokenKind::Ne:
      return 3;
    case TokenKind::Lt:
    case TokenKind::Le:
    case TokenKind::Gt:
    case TokenKind::Ge:
      return 4;
    default:
      return 0;
    }
  }
  static ExprOp binaryOp(TokenKind k) {
    switch (k) {
    case TokenKind::Or:
      return ExprOp::Or;
    case TokenKind::And:
      return ExprOp::And;
    case TokenKind::Eq:
      return ExprOp::Eq;
    case TokenKind::Ne:
      return ExprOp::Ne;
    case TokenKind::Lt:
      return ExprOp::Lt;
    case TokenKind::Le:
      return ExprOp::Le;
    case TokenKind::Gt:
      return ExprOp::Gt;
    default:
      return ExprOp::Ge;
    }
  }

  ExprPtr parseOr() { return parseBinary(1); }

  /// Precedence climbing over the binary operators binding at least `minPrec`.
  ExprPtr parseBinary(int minPrec) {
    ExprPtr l = parseUnary();
    while (i_ < toks_.size()) {
      int p = precedence(toks_[i_].kind);
      if (p == 0 || p < minPrec)
        break;
      const LexToken &t = next();
      DepthGuard g(*this, t);
      ExprPtr r = parseBinary(p + 1);
      l = binary(binaryOp(t.kind), t, std::move(l), std::move(r));
    }
    return l;
  }
  ExprPtr parseUnary() {
    if (at(TokenKind::Not)) {
      const LexToken &t = next();
      DepthGuard g(*this, t);
      auto e = node(ExprOp::Not, t);
      e->args.push_back(parseUnary());
      return e;
    }
    postfixAllowed_ = false;
    ExprPtr e = parsePrimary();
    if (!postfixAllowed_)
      return e; // GitHub indexes only groups, calls and named values
    return parsePostfix(std::move(e));
  }

  ExprPtr parsePostfix(ExprPtr e) {
    for (;;) {
      if (at(TokenKind::Dereference)) {
        const LexToken &dot = next();
        DepthGuard g(*this, dot);
        if (i_ >= toks_.size())
          failEOF();
        LexToken &t = next();
        if (t.kind == TokenKind::PropertyName) {
          auto p = node(ExprOp::Property, t);
          p->text.assign(src_.data() + t.pos, t.len);
          p->args.push_back(std::move(e));
          e = std::move(p);
        } else if (t.kind == TokenKind::Wildcard) {
          auto w = node(ExprOp::Wildcard, t);
          w->args.push_back(std::move(e));
          e = std::move(w);
        } else {
          failAt(t, "Unexpected symbol");
        }
        continue;
      }
      if (at(TokenKind::StartIndex)) {
        const LexToken &open = next();
        DepthGuard g(*this, open);
        if (at(TokenKind::Wildcard)) {
          const LexToken &t = next();
          expect(TokenKind::EndIndex);
          auto w = node(ExprOp::Wildcard, t);
          w->args.push_back(std::move(e));
          e = std::move(w);
          continue;
        }
        ExprPtr idx = parseOr();
        expect(TokenKind::EndIndex);
        auto ix = node(ExprOp::Index, open);
        ix->args.push_back(std::move(e));
        ix->args.push_back(std::move(idx));
        e = std::move(ix);
        continue;
      }
      return e;
    }
  }

  bool contextAllowed(llvm::StringRef name) const {
    if (!opts_.contexts)
      return true;
    char first = static_cast<char>(name.empty() ? 0 : (name[0] | 0x20));
    for (const auto &c : *opts_.contexts)
      if (!c.empty() && (c[0] | 0x20) == first && ir::identifierEquals(name, c))
        return true;
    return false;
  }

  const FunctionSignature *findFunction(llvm::StringRef name) const {
    if (const FunctionSignature *f = findBuiltinFunction(name))
      return f;
    for (const auto &f : opts_.extraFunctions)
      if (ir::identifierEquals(name, f.name))
        return &f;
    return nullptr;
  }

  ExprPtr parsePrimary() {
    LexToken &t = next();
    switch (t.kind) {
    case TokenKind::Null:
      return node(ExprOp::Null, t);
    case TokenKind::Boolean: {
      auto e = node(ExprOp::Bool, t);
      e->boolean = t.boolean;
      return e;
    }
    case TokenKind::Number: {
      auto e = node(ExprOp::Number, t);
      e->number = t.number;
      return e;
    }
    case TokenKind::String: {
      auto e = node(ExprOp::String, t);
      e->text = stringTokenValue(src_, t);
      return e;
    }
    case TokenKind::NamedValue: {
      // Not fatal: parsing goes on so that every misplaced context is reported
      // (the first one is the error GitHub's parser stops at).
      if (!contextAllowed(slice(t)))
        unknownNamed.push_back(&t);
      auto e = node(ExprOp::Context, t);
      e->text.assign(src_.data() + t.pos, t.len);
      postfixAllowed_ = true;
      return e;
    }
    case TokenKind::Function: {
      ExprPtr call = parseCall(t);
      postfixAllowed_ = true;
      return call;
    }
    case TokenKind::StartGroup: {
      DepthGuard g(*this, t);
      ExprPtr e = parseOr();
      if (i_ >= toks_.size())
        failEnd();
      expect(TokenKind::EndGroup);
      postfixAllowed_ = true;
      ++groups[e.get()]; // a group counts as one level of depth
      return e;
    }
    default:
      failAt(t, "Unexpected symbol");
    }
  }

  ExprPtr parseCall(LexToken &t) {
    const FunctionSignature *sig = findFunction(slice(t));
    if (!sig && !opts_.allowUnknownFunctions)
      failAt(t, "Unrecognized function");
    DepthGuard g(*this, t);
    expect(TokenKind::StartGroup);
    auto e = node(ExprOp::Call, t);
    e->text.assign(src_.data() + t.pos, t.len); // the user's spelling; look-ups ignore case
    if (at(TokenKind::EndGroup)) {
      next();
    } else {
      for (;;) {
        e->args.push_back(parseOr());
        if (at(TokenKind::Separator)) {
          next();
          continue;
        }
        expect(TokenKind::EndGroup);
        break;
      }
    }
    if (sig) {
      if (e->args.size() < sig->minArgs)
        failAt(t, "Too few parameters supplied");
      if (e->args.size() > sig->maxArgs)
        failAt(t, "Too many parameters supplied");
      if (llvm::StringRef(sig->name).equals_insensitive("case") && e->args.size() % 2 == 0)
        failAt(t, "Even number of parameters supplied, requires an odd number of parameters");
    }
    return e;
  }

  llvm::StringRef src_;
  std::vector<LexToken> &toks_;
  const ExprParseOptions &opts_;
  size_t i_ = 0;
  unsigned depth_ = 0;
  bool postfixAllowed_ = false;
};

/// GitHub's expression depth: the height of the tree, leaves counting 1, where a
/// chain of the same logical operator (`a && b && c`) is one n-ary node and each
/// pair of parentheses adds one.
unsigned treeDepth(const Expr &e, const llvm::DenseMap<const Expr *, unsigned> &groups) {
  auto wrap = [&](const Expr &x) {
    auto it = groups.find(&x);
    return it == groups.end() ? 0u : it->second;
  };
  unsigned m = 0;
  if (e.op == ExprOp::And || e.op == ExprOp::Or) {
    // Walk down the left spine of the chain without recursing on it.
    const Expr *cur = &e;
    while (cur->op == e.op && (cur == &e || wrap(*cur) == 0)) {
      m = std::max(m, treeDepth(*cur->args[1], groups));
      cur = cur->args[0].get();
    }
    m = std::max(m, treeDepth(*cur, groups));
    return m + 1 + wrap(e);
  }
  for (const auto &a : e.args)
    m = std::max(m, treeDepth(*a, groups));
  return m + 1 + wrap(e);
}

} // namespace

ParsedExpr parseExpression(llvm::StringRef source, const ExprParseOptions &opts) {
  ParsedExpr out;
  if (source.size() > opts.maxLength) {
    out.error = ir::ExprError{ir::ExprError::Kind::Parsing,
                              "Exceeded max expression length " + std::to_string(opts.maxLength),
                              -1};
    return out;
  }
  // LexToken storage is reused between calls on a thread (parsing is not re-entrant).
  thread_local std::vector<LexToken> toks;
  struct Trim { // a huge expression does not keep its token storage alive
    ~Trim() {
      if (toks.capacity() > 1024)
        std::vector<LexToken>().swap(toks);
    }
  } trim;
  lexTokens(source, toks);
  if (!toks.empty() && toks.back().kind == TokenKind::Unexpected) {
    const LexToken &t = toks.back();
    out.error = ir::ExprError{ir::ExprError::Kind::Lexing,
                              "Unexpected symbol: '" + source.substr(t.pos, t.len).str() + "'",
                              t.pos};
    return out;
  }
  if (toks.empty())
    return out;
  Parser p(source, toks, opts);
  bool failed = false;
  try {
    out.ast = p.parseAll();
  } catch (const ParseFailure &) {
    failed = true;
  }
  if (!p.unknownNamed.empty()) {
    // The parser met these before any later failure: the first is the error.
    out.ast.reset();
    out.error = p.unknownNamedError(*p.unknownNamed.front());
    for (size_t i = 1; i < p.unknownNamed.size(); ++i)
      out.moreErrors.push_back(p.unknownNamedError(*p.unknownNamed[i]));
    return out;
  }
  if (failed) {
    out.ast.reset();
    out.error = p.error;
    return out;
  }
  // The depth never exceeds the token count, so short expressions skip the walk.
  if (p.tokenCount() > opts.maxDepth && treeDepth(*out.ast, p.groups) > opts.maxDepth) {
    out.ast.reset();
    out.error = ir::ExprError{ir::ExprError::Kind::Parsing,
                              "Exceeded max expression depth " + std::to_string(opts.maxDepth), -1};
  }
  return out;
}

} // namespace frontend
