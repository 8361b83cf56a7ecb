/// \file
/// expand-matrix: turns each job's `strategy` into plan instances (legs) with
/// GitHub's exact algorithm (passes/matrix_expand.h, gha-semantics §2).
///
/// A matrix whose expressions are all closed under the known contexts
/// (const_eval.h) is expanded now: legs get ids `job.<configId>`, GitHub's
/// display names (`build (ubuntu-latest, 18)`; a `name:` holding an
/// expression gets no suffix and is evaluated per leg when it can be), their
/// matrix values and configuration ids, in GitHub's order. A matrix that reads
/// run-time data (`fromJSON(needs.setup.outputs.m)`) stays symbolic in
/// `strategy.matrix` for the runtime, which expands it with the same code.
/// A job without a matrix gets one instance whose id is the job id.
/// Expansion errors (empty vector, bad include/exclude, over 256 legs) are
/// diagnostics at the matrix (`matrix`).
#pragma once

#include "passes/compile_unit.h"
#include "passes/matrix_expand.h"

namespace passes {

/// A job's matrix as far as it is known at compile time.
struct JobMatrix {
  enum class Kind : uint8_t {
    None,    ///< no strategy.matrix
    Static,  ///< expanded: `expansion` (check its error)
    Dynamic, ///< needs run-time data
  };
  Kind kind = Kind::None;
  MatrixExpansion expansion;
  const ir::TemplateToken *token = nullptr; ///< the matrix (or strategy) as written
};

/// Evaluates and expands the matrix of `job` under `known`. `displayName` is
/// the name legs are suffixed to.
JobMatrix evaluateJobMatrix(const ir::Job &job, llvm::StringRef displayName,
                            const KnownContexts &known);

/// Reports a matrix expansion error at the matrix (or the key it names).
void reportMatrixError(const MatrixError &err, const ir::TemplateToken &matrix,
                       ir::DiagnosticEngine &diags);

/// A leg's display name: the job name with the leg's suffix, or the job's
/// `name:` template evaluated with the leg's matrix and strategy when it holds
/// expressions (the template text when it cannot be evaluated now).
std::string legName(const ir::PlanJob &job, const MatrixLeg *leg, const ir::Value &strategy,
                    const KnownContexts &known);

/// fail-fast and max-parallel of a job's strategy as plan values.
ir::PlanStrategy planStrategy(const ir::Job &job, const KnownContexts &known);

class ExpandMatrixPass : public CompilePass {
public:
  llvm::StringRef name() const override { return "expand-matrix"; }
  PreservedAnalyses run(CompileUnit &unit, CompileAnalysisManager &am) override;
};

} // namespace passes
