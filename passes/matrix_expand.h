/// \file
/// GitHub's exact matrix expansion (gha-semantics §2.1-2.3), shared by the
/// expand-matrix pass (static matrices) and both runtimes (matrices whose
/// value is only known at run time, e.g. `fromJSON(needs.x.outputs.m)`).
///
/// Cartesian product of the vectors in declaration order (first key slowest),
/// `exclude` items matched leaf by leaf with GitHub's loose `==` (partial
/// matches; omitted keys are wildcards), then `include` items: their vector
/// keys filter the combinations they extend (without overwriting original
/// values; later extras win), and items that match no combination are appended
/// as new legs in include order. Legs are named `job (v1, v2)` from the
/// original vector values (appended includes: all their values), and get
/// GitHub's configuration ids and `strategy` context.
#pragma once

#include "ir/value.h"

#include <optional>
#include <string>
#include <vector>

namespace passes {

struct MatrixLeg {
  ir::Value matrix;        ///< the `matrix` context of this leg (an object)
  std::string displayName; ///< `name (v1, v2)`, cut to 100 characters
  std::string configId;    ///< GitHub's configuration id, unique per matrix
  bool appended = false;   ///< came from an include that matched no combination
};

struct MatrixOptions {
  size_t maxLegs = 256; ///< GitHub: 256 jobs per matrix
  /// False when the job's `name` holds an expression: GitHub then evaluates the
  /// name per leg and adds no `(…)` suffix.
  bool suffixName = true;
};

struct MatrixError {
  std::string message; ///< GitHub's wording where it has one
  std::string key;     ///< the matrix key at fault ("" when none)
};

struct MatrixExpansion {
  std::vector<MatrixLeg> legs;
  std::optional<MatrixError> error;
};

/// Expands the evaluated `strategy.matrix` object for a job displayed as `jobName`.
MatrixExpansion expandMatrix(const ir::Value &matrix, llvm::StringRef jobName,
                             const MatrixOptions &opts = {});

/// The `strategy` context of leg `index` of `total` (§2.1 step 9); a job
/// without a matrix is leg 0 of 1.
ir::Value strategyContext(bool failFast, size_t index, size_t total,
                          std::optional<double> maxParallel);

/// `name (seg1, seg2)` from segments, skipping empty ones, cut to 100 chars.
std::string matrixDisplayName(llvm::StringRef name, const std::vector<std::string> &segments);

} // namespace passes
