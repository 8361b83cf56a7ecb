// The table of GitHub-hosted and self-hosted preset runner labels.
#include "passes/lint_runner_labels.h"

#include <string>

namespace passes {

using O = RunnerOs;

static const RunnerLabelInfo kLabels[] = {
    // GitHub-hosted, current.
    {"ubuntu-latest", O::Linux, "", true, false, ""},
    {"ubuntu-slim", O::Linux, "ubuntu-slim", true, false, ""},
    {"ubuntu-24.04", O::Linux, "ubuntu-24.04", true, false, ""},
    {"ubuntu-22.04", O::Linux, "ubuntu-22.04", true, false, ""},
    {"ubuntu-24.04-arm", O::Linux, "ubuntu-24.04-arm", true, false, ""},
    {"ubuntu-22.04-arm", O::Linux, "ubuntu-22.04-arm", true, false, ""},
    {"ubuntu-latest-4-cores", O::Linux, "", true, false, ""},
    {"ubuntu-latest-8-cores", O::Linux, "", true, false, ""},
    {"ubuntu-latest-16-cores", O::Linux, "", true, false, ""},
    {"windows-latest", O::Windows, "", true, false, ""},
    {"windows-2025", O::Windows, "windows-2025", true, false, ""},
    {"windows-2022", O::Windows, "windows-2022", true, false, ""},
    {"windows-11-arm", O::Windows, "windows-11-arm", true, false, ""},
    {"windows-latest-8-cores", O::Windows, "", true, false, ""},
    {"macos-latest", O::MacOs, "", true, false, ""},
    {"macos-latest-large", O::MacOs, "", true, false, ""},
    {"macos-latest-xlarge", O::MacOs, "", true, false, ""},
    {"macos-26", O::MacOs, "macos-26", true, false, ""},
    {"macos-26-large", O::MacOs, "macos-26-large", true, false, ""},
    {"macos-26-xlarge", O::MacOs, "macos-26-xlarge", true, false, ""},
    {"macos-15", O::MacOs, "macos-15", true, false, ""},
    {"macos-15-intel", O::MacOs, "macos-15-intel", true, false, ""},
    {"macos-15-large", O::MacOs, "macos-15-large", true, false, ""},
    {"macos-15-xlarge", O::MacOs, "macos-15-xlarge", true, false, ""},
    {"macos-14", O::MacOs, "macos-14", true, false, ""},
    {"macos-14-large", O::MacOs, "macos-14-large", true, false, ""},
    {"macos-14-xlarge", O::MacOs, "macos-14-xlarge", true, false, ""},
    // GitHub-hosted, retired.
    {"ubuntu-20.04", O::Linux, "ubuntu-20.04", true, true, "\"ubuntu-22.04\" or \"ubuntu-latest\""},
    {"ubuntu-18.04", O::Linux, "ubuntu-18.04", true, true, "\"ubuntu-22.04\" or \"ubuntu-latest\""},
    {"ubuntu-16.04", O::Linux, "ubuntu-16.04", true, true, "\"ubuntu-22.04\" or \"ubuntu-latest\""},
    {"windows-2019", O::Windows, "windows-2019", true, true, "\"windows-2022\" or \"windows-latest\""},
    {"windows-2016", O::Windows, "windows-2016", true, true, "\"windows-2022\" or \"windows-latest\""},
    {"macos-13", O::MacOs, "macos-13", true, true, "\"macos-15-intel\" (Intel) or \"macos-latest\""},
    {"macos-13-large", O::MacOs, "macos-13-large", true, true, "\"macos-15-large\""},
    {"macos-13-xlarge", O::MacOs, "macos-13-xlarge", true, true, "\"macos-15-xlarge\""},
    {"macos-12", O::MacOs, "macos-12", true, true, "\"macos-15-intel\" (Intel) or \"macos-latest\""},
    {"macos-12-large", O::MacOs, "macos-12-large", true, true, "\"macos-15-large\""},
    {"macos-11", O::MacOs, "macos-11", true, true, "\"macos-latest\""},
    {"macos-10.15", O::MacOs, "macos-10.15", true, true, "\"macos-latest\""},
    // Self-hosted presets.
    {"self-hosted", O::Any, "", false, false, ""},
    {"linux", O::Linux, "", false, false, ""},
    {"macos", O::MacOs, "", false, false, ""},
    {"windows", O::Windows, "", false, false, ""},
    {"x64", O::Any, "", false, false, ""},
    {"arm", O::Any, "", false, false, ""},
    {"arm64", O::Any, "", false, false, ""},
};

llvm::ArrayRef<RunnerLabelInfo> knownRunnerLabels() { return kLabels; }

const RunnerLabelInfo *findRunnerLabel(llvm::StringRef label) {
  for (const RunnerLabelInfo &l : kLabels)
    if (label.equals_insensitive(l.label))
      return &l;
  return nullptr;
}

bool runnerLabelsConflict(const RunnerLabelInfo &a, const RunnerLabelInfo &b) {
  if (a.os != RunnerOs::Any && b.os != RunnerOs::Any && a.os != b.os)
    return true;
  return a.hosted && b.hosted && *a.image && *b.image && llvm::StringRef(a.image) != b.image;
}

std::string availableRunnerLabels() {
  std::string s;
  for (const RunnerLabelInfo &l : kLabels) {
    if (l.retired)
      continue;
    if (!s.empty())
      s += ", ";
    s += "\"" + std::string(l.label) + "\"";
  }
  return s;
}

} // namespace passes
