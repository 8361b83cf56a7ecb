// Plan look-ups.
#include "ir/plan.h"

namespace ir {

const PlanJob *PlanWorkflow::findJob(llvm::StringRef id) const {
  for (const auto &j : jobs)
    if (llvm::StringRef(j.id).equals_insensitive(id))
      return &j;
  return nullptr;
}

PlanJob *PlanWorkflow::findJob(llvm::StringRef id) {
  return const_cast<PlanJob *>(static_cast<const PlanWorkflow *>(this)->findJob(id));
}

} // namespace ir
