/// \file
/// Runner labels of `runs-on` (gha-semantics §1.5): the GitHub-hosted labels
/// (current, and retired images whose jobs are never picked up), the preset
/// labels of self-hosted runners (`self-hosted`, `linux`, `macos`, `windows`,
/// `x64`, `arm`, `arm64`), and which labels can never be satisfied by one
/// runner. The hosted list follows GitHub's "GitHub-hosted runners" page;
/// update it when GitHub adds or retires an image.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace passes {

/// The operating systems a label can run on.
enum class RunnerOs : uint8_t { Any, Linux, Windows, MacOs };

struct RunnerLabelInfo {
  const char *label;
  RunnerOs os;
  /// The image a hosted label pins ("" for `*-latest` aliases and self-hosted
  /// presets, which stand for whatever image is current).
  const char *image;
  bool hosted;     ///< a GitHub-hosted label (not a self-hosted preset)
  bool retired;    ///< a retired hosted image
  const char *replacement; ///< for retired labels: what to use instead
};

/// Every known label, current and retired.
llvm::ArrayRef<RunnerLabelInfo> knownRunnerLabels();
/// The label's info (case-insensitive), or null for a custom label.
const RunnerLabelInfo *findRunnerLabel(llvm::StringRef label);
/// True when no single runner can carry both labels (different OS, or two
/// different pinned hosted images).
bool runnerLabelsConflict(const RunnerLabelInfo &a, const RunnerLabelInfo &b);
/// `"a", "b", ...` of the current labels, for messages.
std::string availableRunnerLabels();

} // namespace passes
