// The pass registry and the default pipeline.
#include "passes/pass_registry.h"

#include "passes/pass_expand_matrix.h"
#include "passes/pass_fold_conditions.h"
#include "passes/pass_inline_reusable.h"
#include "passes/pass_resolve_concurrency.h"
#include "passes/pass_resolve_needs.h"
#include "passes/pass_type_check.h"
#include "passes/operation_budget.h"

#include "llvm/ADT/StringExtras.h"

#include <mutex>

namespace passes {

namespace {

struct Registry {
  std::vector<PassInfo> passes;
  std::vector<std::string> pipeline;
};

template <typename P> PassFactory factory() {
  return [] { return std::make_unique<P>(); };
}

Registry &registry() {
  static Registry r = [] {
    Registry reg;
    reg.passes = {
        {"resolve-needs", "check needs (self, duplicates, cycles), resolve ids, build the job graph",
         factory<ResolveNeedsPass>()},
        {"inline-reusable", "load called workflows, check inputs and secrets, add their jobs",
         factory<InlineReusablePass>()},
        {"expand-matrix", "expand static matrices into legs in GitHub's order",
         factory<ExpandMatrixPass>()},
        {"resolve-concurrency", "evaluate concurrency groups, cancel-in-progress and queue",
         factory<ResolveConcurrencyPass>()},
        {"fold-conditions", "fold if: conditions, mark jobs that can never run",
         factory<FoldConditionsPass>()},
        {"type-check-expressions", "type-check every expression with the contexts of its key",
         factory<TypeCheckPass>()},
        {"operation-budget", "estimate durable operations per Lambda execution, split workflows over budget",
         factory<OperationBudgetPass>()},
    };
    // The default pipeline, in order. The Lambda backend appends operation-budget.
    reg.pipeline = {"resolve-needs",       "inline-reusable", "expand-matrix",
                    "resolve-concurrency", "fold-conditions", "type-check-expressions"};
    return reg;
  }();
  return r;
}

std::mutex &registryMutex() {
  static std::mutex m;
  return m;
}

} // namespace

void registerPass(std::string name, std::string description, PassFactory create) {
  std::lock_guard<std::mutex> lock(registryMutex());
  Registry &r = registry();
  for (PassInfo &p : r.passes)
    if (p.name == name) {
      p.description = std::move(description);
      p.create = std::move(create);
      return;
    }
  r.passes.push_back({std::move(name), std::move(description), std::move(create)});
}

std::vector<PassInfo> registeredPasses() {
  std::lock_guard<std::mutex> lock(registryMutex());
  return registry().passes;
}

const PassInfo *findPass(llvm::StringRef name) {
  std::lock_guard<std::mutex> lock(registryMutex());
  for (const PassInfo &p : registry().passes)
    if (p.name == name)
      return &p;
  return nullptr;
}

std::vector<std::string> defaultPipeline() {
  std::lock_guard<std::mutex> lock(registryMutex());
  return registry().pipeline;
}

void appendToDefaultPipeline(std::string name) {
  std::lock_guard<std::mutex> lock(registryMutex());
  auto &p = registry().pipeline;
  if (std::find(p.begin(), p.end(), name) == p.end())
    p.push_back(std::move(name));
}

llvm::Expected<std::vector<std::string>> parsePipeline(llvm::StringRef text) {
  std::vector<std::string> names;
  llvm::SmallVector<llvm::StringRef, 8> parts;
  text.split(parts, ',', -1, false);
  for (llvm::StringRef part : parts) {
    llvm::StringRef name = part.trim();
    if (name.empty())
      continue;
    if (!findPass(name)) {
      std::string known, suggestion;
      unsigned best = 3;
      for (const PassInfo &p : registeredPasses()) {
        known += (known.empty() ? "" : ", ") + p.name;
        unsigned d = name.edit_distance(p.name, true, best);
        if (d < best) {
          best = d;
          suggestion = p.name;
        }
      }
      std::string msg = "unknown pass '" + name.str() + "'";
      if (!suggestion.empty())
        msg += "; did you mean '" + suggestion + "'?";
      msg += " (passes: " + known + ")";
      return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
    }
    names.push_back(name.str());
  }
  if (names.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "the pipeline names no pass");
  return names;
}

llvm::Expected<CompilePassManager> buildPipeline(const std::vector<std::string> &names) {
  CompilePassManager pm;
  for (const std::string &n : names) {
    const PassInfo *info = findPass(n);
    if (!info)
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "unknown pass '%s'", n.c_str());
    pm.add(info->create());
  }
  return pm;
}

} // namespace passes
