// Look-ups in the generated popular-actions table.
#include "passes/lint_popular_actions.h"

#include "llvm/ADT/StringExtras.h"

namespace passes {

#include "passes/lint_popular_actions.inc"

llvm::ArrayRef<PopularAction> popularActions() { return kPopularActions; }

llvm::ArrayRef<PopularActionInput> PopularAction::inputs() const {
  return llvm::ArrayRef<PopularActionInput>(kPopularActionInputs).slice(firstInput, numInputs);
}

std::vector<llvm::StringRef> PopularAction::outputs() const {
  std::vector<llvm::StringRef> out;
  for (uint32_t i = 0; i < numOutputs; ++i)
    out.push_back(kPopularActionOutputs[firstOutput + i]);
  return out;
}

const PopularActionInput *PopularAction::findInput(llvm::StringRef name) const {
  for (const PopularActionInput &i : inputs())
    if (name.equals_insensitive(i.name))
      return &i;
  return nullptr;
}

bool PopularAction::hasOutput(llvm::StringRef name) const {
  for (uint32_t i = 0; i < numOutputs; ++i)
    if (name.equals_insensitive(kPopularActionOutputs[firstOutput + i]))
      return true;
  return false;
}

// The major of a version ref: "v4" / "v4.1.2" / "4.1" -> 4.
static std::optional<unsigned> majorOf(llvm::StringRef ref) {
  llvm::StringRef r = ref;
  r.consume_front("v");
  llvm::StringRef head = r.take_while(llvm::isDigit);
  if (head.empty())
    return std::nullopt;
  llvm::StringRef rest = r.drop_front(head.size());
  if (!rest.empty() && rest[0] != '.')
    return std::nullopt;
  unsigned m;
  if (head.getAsInteger(10, m))
    return std::nullopt;
  return m;
}

static bool isSha(llvm::StringRef ref) {
  return ref.size() >= 12 && ref.size() <= 40 && llvm::all_of(ref, llvm::isHexDigit);
}

const PopularAction *findPopularAction(llvm::StringRef action, llvm::StringRef ref) {
  const PopularAction *exact = nullptr, *sameMajor = nullptr;
  std::optional<unsigned> major = majorOf(ref);
  bool any = false;
  for (const PopularAction &a : kPopularActions) {
    if (!action.equals_insensitive(a.action))
      continue;
    any = true;
    if (ref == a.ref)
      exact = &a;
    else if (major && majorOf(a.ref) == major && (!sameMajor || llvm::StringRef(a.ref).size() <
                                                                    llvm::StringRef(sameMajor->ref).size()))
      sameMajor = &a; // prefer "v4" over "v4.2.1"
  }
  if (!any)
    return nullptr;
  if (exact)
    return exact;
  if (sameMajor)
    return sameMajor;
  if (isSha(ref)) {
    std::string prefix = llvm::StringRef(ref).take_front(12).lower();
    for (const PopularActionPin &p : kPopularActionPins)
      if (prefix == p.sha12 && action.equals_insensitive(p.action))
        return findPopularAction(p.action, p.ref);
  }
  return nullptr;
}

const PopularAction *findPopularAction(llvm::StringRef uses) {
  auto [action, ref] = uses.trim().split('@');
  if (ref.empty())
    return nullptr;
  return findPopularAction(action, ref);
}

std::optional<unsigned> newestPopularActionMajor(llvm::StringRef action) {
  std::optional<unsigned> best;
  for (const PopularAction &a : kPopularActions)
    if (action.equals_insensitive(a.action) && !a.defaultBranch)
      if (auto m = majorOf(a.ref); m && (!best || *m > *best))
        best = m;
  return best;
}

} // namespace passes
