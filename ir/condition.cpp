// The implicit `success() && (...)` rewrite of conditions.
#include "ir/condition.h"

namespace ir {

std::string rewriteCondition(const std::optional<Template> &cond) {
  if (!cond || llvm::StringRef(cond->raw).trim().empty())
    return "success()";
  std::string expr = cond->toExpressionSource();
  for (const auto &p : cond->parts)
    if (p.isExpr && p.ast && usesStatusFunction(*p.ast))
      return expr;
  return "success() && (" + expr + ")";
}

} // namespace ir
