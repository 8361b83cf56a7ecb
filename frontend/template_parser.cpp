// `${{ }}` template splitting.
#include "frontend/template_parser.h"

#include <cstring>
#include <memory>

namespace frontend {

static bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

namespace {
/// Allocates the shared_ptr control block of an expression part from the AST
/// node free list (ir::Expr::operator new) instead of the general allocator:
/// every expression of a workflow has one, and lowering and releasing the IR
/// creates and drops them by the thousand.
template <typename T> struct ControlBlockAllocator {
  using value_type = T;
  static constexpr bool kPooled = sizeof(T) <= sizeof(ir::Expr) && alignof(T) <= alignof(ir::Expr);
  ControlBlockAllocator() = default;
  template <typename U> ControlBlockAllocator(const ControlBlockAllocator<U> &) {}
  T *allocate(size_t n) {
    if (kPooled && n == 1)
      return static_cast<T *>(ir::Expr::operator new(sizeof(ir::Expr)));
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T *p, size_t n) {
    if (kPooled && n == 1)
      return ir::Expr::operator delete(p, sizeof(ir::Expr));
    std::allocator<T>().deallocate(p, n);
  }
  template <typename U> bool operator==(const ControlBlockAllocator<U> &) const { return true; }
  template <typename U> bool operator!=(const ControlBlockAllocator<U> &) const { return false; }
};

/// The offset of the first `${{` of `value` at or after `from`, or npos.
size_t findMarker(llvm::StringRef value, size_t from) {
  size_t n = value.size();
  while (from + 2 < n) {
    const void *hit = std::memchr(value.data() + from, '$', n - 2 - from);
    if (!hit)
      break;
    size_t i = static_cast<size_t>(static_cast<const char *>(hit) - value.data());
    if (value[i + 1] == '{' && value[i + 2] == '{')
      return i;
    from = i + 1;
  }
  return llvm::StringRef::npos;
}

/// Counts the `${{` markers of `value` (an upper bound of its expression parts).
size_t countMarkers(llvm::StringRef value) {
  size_t n = 0;
  for (size_t i = findMarker(value, 0); i != llvm::StringRef::npos; i = findMarker(value, i + 3))
    ++n;
  return n;
}
} // namespace

static void addExpression(ir::Template &t, llvm::StringRef body, uint32_t bodyOffset,
                          const ExprParseOptions &opts, std::vector<TemplateError> &errors,
                          uint32_t openOffset) {
  // Trim, remembering where the trimmed text starts.
  size_t b = 0, e = body.size();
  while (b < e && isSpace(body[b]))
    ++b;
  while (e > b && isSpace(body[e - 1]))
    --e;
  llvm::StringRef expr = body.slice(b, e);
  ir::TemplatePart part;
  part.isExpr = true;
  part.text = expr.str();
  part.offset = bodyOffset + static_cast<uint32_t>(b);
  if (expr.empty()) {
    errors.push_back({ir::DiagKind::ExprEmpty, "An expression was expected", openOffset, 3});
    t.parts.push_back(std::move(part));
    return;
  }
  ParsedExpr parsed = parseExpression(expr, opts);
  if (parsed.error) {
    const ir::ExprError &err = *parsed.error;
    uint32_t off = part.offset + static_cast<uint32_t>(err.pos < 0 ? 0 : err.pos);
    errors.push_back({err.message.rfind("Exceeded max expression length", 0) == 0
                          ? ir::DiagKind::ExprTooLong
                      : err.message.rfind("Exceeded max expression depth", 0) == 0
                          ? ir::DiagKind::ExprTooDeep
                          : ir::DiagKind::ExprSyntax,
                      err.describe(expr), off, 1});
    for (const ir::ExprError &more : parsed.moreErrors)
      errors.push_back({ir::DiagKind::ExprSyntax, more.describe(expr),
                        part.offset + static_cast<uint32_t>(more.pos), 1});
  } else {
    part.ast = std::shared_ptr<const ir::Expr>(parsed.ast.release(), std::default_delete<ir::Expr>(),
                                               ControlBlockAllocator<ir::Expr>());
  }
  t.parts.push_back(std::move(part));
}

ir::Template parseTemplate(llvm::StringRef value, const ExprParseOptions &opts,
                           std::vector<TemplateError> &errors) {
  ir::Template t;
  t.raw = value.str();
  if (size_t markers = countMarkers(value))
    t.parts.reserve(2 * markers + 1); // literal, expression, literal, ...
  size_t i = 0, n = value.size();
  size_t literalStart = 0;
  while (i < n) {
    size_t open = findMarker(value, i);
    if (open == llvm::StringRef::npos)
      break;
    // Find the closing "}}" outside single-quoted string literals.
    size_t j = open + 3;
    bool inString = false;
    size_t close = llvm::StringRef::npos;
    while (j < n) {
      char c = value[j];
      if (inString) {
        if (c == '\'') {
          if (j + 1 < n && value[j + 1] == '\'')
            ++j;
          else
            inString = false;
        }
      } else if (c == '\'') {
        inString = true;
      } else if (c == '}' && j + 1 < n && value[j + 1] == '}') {
        close = j;
        break;
      }
      ++j;
    }
    if (close == llvm::StringRef::npos) {
      errors.push_back({ir::DiagKind::ExprUnclosed,
                        "The expression is not closed. An unescaped ${{ sequence was found, but "
                        "the closing }} sequence was not found.",
                        static_cast<uint32_t>(open), 3});
      break;
    }
    if (open > literalStart) {
      ir::TemplatePart lit;
      lit.text = value.slice(literalStart, open).str();
      lit.offset = static_cast<uint32_t>(literalStart);
      t.parts.push_back(std::move(lit));
    }
    addExpression(t, value.slice(open + 3, close), static_cast<uint32_t>(open + 3), opts, errors,
                  static_cast<uint32_t>(open));
    i = close + 2;
    literalStart = i;
  }
  if (literalStart < n && !t.parts.empty()) {
    ir::TemplatePart lit;
    lit.text = value.substr(literalStart).str();
    lit.offset = static_cast<uint32_t>(literalStart);
    t.parts.push_back(std::move(lit));
  } else if (t.parts.empty() && n > 0) {
    ir::TemplatePart lit;
    lit.text = value.str();
    t.parts.push_back(std::move(lit));
  }
  return t;
}

ir::Template parseBareExpression(llvm::StringRef value, const ExprParseOptions &opts,
                                 std::vector<TemplateError> &errors) {
  llvm::StringRef trimmed = value.trim();
  if (trimmed.startswith("${{"))
    return parseTemplate(value, opts, errors);
  ir::Template t;
  t.raw = value.str();
  if (trimmed.empty())
    return t;
  t.parts.reserve(1);
  addExpression(t, value, 0, opts, errors, 0);
  return t;
}

} // namespace frontend
