// Helpers of the workflow model (look-ups, generated step ids, runs-on labels).
#include "ir/action.h"
#include "ir/workflow.h"

namespace ir {

const NamedTemplate *findNamed(const TemplateMap &m, llvm::StringRef name) {
  for (const auto &e : m)
    if (llvm::StringRef(e.name.value).equals_insensitive(name))
      return &e;
  return nullptr;
}

llvm::StringRef stepKindName(StepKind k) {
  switch (k) {
  case StepKind::Run:
    return "run";
  case StepKind::Uses:
    return "uses";
  case StepKind::Wait:
    return "wait";
  case StepKind::WaitAll:
    return "wait-all";
  case StepKind::Cancel:
    return "cancel";
  case StepKind::Parallel:
    return "parallel";
  case StepKind::Invalid:
    return "invalid";
  }
  return "invalid";
}

std::optional<StepKind> stepKindFromName(llvm::StringRef name) {
  for (auto k : {StepKind::Run, StepKind::Uses, StepKind::Wait, StepKind::WaitAll, StepKind::Cancel,
                 StepKind::Parallel, StepKind::Invalid})
    if (stepKindName(k) == name)
      return k;
  return std::nullopt;
}

static bool isIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

/// Appends `s` with every character that may not appear in an id replaced by '_'.
static void appendIdSegment(std::string &out, llvm::StringRef s) {
  size_t base = out.size();
  out.append(s.data(), s.size());
  for (size_t i = base; i < out.size(); ++i)
    if (!isIdChar(out[i]))
      out[i] = '_';
}

std::string generatedStepIdBase(const Step &s) {
  std::string id = "__";
  switch (s.kind) {
  case StepKind::Uses: {
    llvm::StringRef u = s.uses ? llvm::StringRef(s.uses->value) : llvm::StringRef();
    if (u.startswith("./") || u.startswith(".\\") || u.startswith("$/") || u == ".")
      id += "self";
    else if (u.startswith("docker://"))
      appendIdSegment(id, u.drop_front(9));
    else
      appendIdSegment(id, u.split('@').first);
    break;
  }
  case StepKind::Run:
  case StepKind::Invalid:
    id += "run";
    break;
  default:
    id += stepKindName(s.kind).str();
  }
  if (id.size() > 100)
    id.resize(100);
  return id;
}

std::string Permissions::levelOf(llvm::StringRef scope) const {
  switch (form) {
  case Form::ReadAll:
    return "read";
  case Form::WriteAll:
    return "write";
  case Form::Map:
    for (const auto &s : scopes)
      if (s.scope.value == scope)
        return s.level.value;
  }
  return "none";
}

std::vector<std::string> Job::runsOnLabels() const {
  std::vector<std::string> out;
  if (!runsOn)
    return out;
  auto addSeq = [&](const TemplateToken &t) {
    if (t.isSequence()) {
      for (const auto &i : t.items)
        out.push_back(i.scalarText());
    } else if (!t.isNull()) {
      out.push_back(t.scalarText());
    }
  };
  if (runsOn->isMapping()) {
    if (const auto *l = runsOn->get("labels"))
      addSeq(*l);
  } else {
    addSeq(*runsOn);
  }
  return out;
}

std::string Job::runsOnGroup() const {
  if (runsOn && runsOn->isMapping())
    if (const auto *g = runsOn->get("group"))
      return g->scalarText();
  return "";
}

const Step *Job::findStep(llvm::StringRef sid) const {
  for (const auto &s : steps)
    if (llvm::StringRef(s.id.value).equals_insensitive(sid))
      return &s;
  return nullptr;
}

const Job *Workflow::findJob(llvm::StringRef jid) const {
  for (const auto &j : jobs)
    if (llvm::StringRef(j.id.value).equals_insensitive(jid))
      return &j;
  return nullptr;
}

Job *Workflow::findJob(llvm::StringRef jid) {
  return const_cast<Job *>(static_cast<const Workflow *>(this)->findJob(jid));
}

const Trigger *Workflow::findTrigger(llvm::StringRef event) const {
  for (const auto &t : triggers)
    if (t.event.value == event)
      return &t;
  return nullptr;
}

const TriggerFilter *Trigger::filter(llvm::StringRef key) const {
  for (const auto &f : filters)
    if (f.key.value == key)
      return &f;
  return nullptr;
}

const WorkflowInput *Trigger::input(llvm::StringRef iid) const {
  for (const auto &i : inputs)
    if (llvm::StringRef(i.id.value).equals_insensitive(iid))
      return &i;
  return nullptr;
}

const ActionInput *Action::findInput(llvm::StringRef iid) const {
  for (const auto &i : inputs)
    if (llvm::StringRef(i.id.value).equals_insensitive(iid))
      return &i;
  return nullptr;
}

} // namespace ir
