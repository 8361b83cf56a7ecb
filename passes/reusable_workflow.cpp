// Reusable-workflow references: parsing, loading from supplied files, the repository or the cache, and call checks.
#include "passes/reusable_workflow.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace passes {

WorkflowRef WorkflowRef::parse(llvm::StringRef uses) {
  WorkflowRef r;
  if (uses.startswith("./") || uses.startswith("$/")) {
    llvm::StringRef path = uses.drop_front(2);
    if (path.startswith(".github/workflows/") && !path.contains('@')) {
      r.kind = Kind::Local;
      r.path = path.str();
    }
    return r;
  }
  auto [left, ref] = uses.rsplit('@');
  if (ref.empty() || left == uses)
    return r;
  auto [owner, rest] = left.split('/');
  auto [repo, path] = rest.split('/');
  if (owner.empty() || repo.empty() || !path.startswith(".github/workflows/"))
    return r;
  r.kind = Kind::Remote;
  r.owner = owner.str();
  r.repo = repo.str();
  r.path = path.str();
  r.ref = ref.str();
  return r;
}

std::string repositoryRootOf(llvm::StringRef workflowPath) {
  size_t pos = workflowPath.find(".github/workflows/");
  if (pos != llvm::StringRef::npos && (pos == 0 || workflowPath[pos - 1] == '/')) {
    std::string root = workflowPath.take_front(pos).str();
    while (root.size() > 1 && root.back() == '/')
      root.pop_back();
    return root.empty() ? "." : root;
  }
  llvm::SmallString<256> dir(workflowPath);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_filename(dir);
  while (!dir.empty()) {
    llvm::SmallString<256> git(dir);
    llvm::sys::path::append(git, ".git");
    if (llvm::sys::fs::exists(git))
      return std::string(dir);
    llvm::StringRef parent = llvm::sys::path::parent_path(dir);
    if (parent == dir)
      break;
    dir = parent;
  }
  return "";
}

void WorkflowLoader::addFile(std::string ref, std::string text) {
  files_[std::move(ref)] = std::move(text);
}

WorkflowLoader::Result WorkflowLoader::load(llvm::StringRef uses) {
  auto it = loaded_.find(uses.str());
  if (it != loaded_.end())
    return it->second;
  Result res;
  std::string name, text;
  bool found = false;
  if (auto f = files_.find(uses.str()); f != files_.end()) {
    name = f->first;
    text = f->second;
    found = true;
  } else {
    WorkflowRef ref = WorkflowRef::parse(uses);
    llvm::SmallString<256> path;
    if (ref.kind == WorkflowRef::Kind::Invalid) {
      res.status = Status::Invalid;
    } else if (ref.kind == WorkflowRef::Kind::Local) {
      res.status = Status::NotFound;
      if (!opts_.repoRoot.empty()) {
        path = opts_.repoRoot;
        llvm::sys::path::append(path, ref.path);
      }
    } else {
      res.status = Status::Symbolic;
      if (!opts_.workflowCache.empty()) {
        path = opts_.workflowCache;
        llvm::sys::path::append(path, ref.owner, ref.repo + "@" + ref.ref, ref.path);
      }
    }
    if (!path.empty() && llvm::sys::fs::is_regular_file(path)) {
      if (auto buf = llvm::MemoryBuffer::getFile(path)) {
        name = std::string(path);
        text = (*buf)->getBuffer().str();
        found = true;
      }
    }
  }
  if (found) {
    ir::FileId id = sm_.addFile(name, std::move(text));
    auto wf = std::make_unique<ir::Workflow>(frontend::compileWorkflow(sm_, id, diags_, opts_.lower));
    res.status = Status::Loaded;
    res.workflow = wf.get();
    res.path = name;
    owned_.push_back(std::move(wf));
  }
  loaded_[uses.str()] = res;
  return res;
}

namespace {

bool sameName(llvm::StringRef a, llvm::StringRef b) { return a.equals_insensitive(b); }

const ir::TokenEntry *givenInput(const ir::Job &call, llvm::StringRef id) {
  for (const auto &w : call.with)
    if (sameName(w.key.value, id))
      return &w;
  return nullptr;
}

llvm::StringRef inputType(const ir::WorkflowInput &in) {
  return in.type ? llvm::StringRef(in.type->value) : llvm::StringRef("string");
}

/// A literal value coerced to the declared input type (string inputs take any
/// scalar as its text; null is '').
ir::Value coerceInput(const ir::TemplateToken &t, llvm::StringRef type) {
  using K = ir::TemplateToken::Kind;
  if (type == "string" && (t.kind == K::Null || t.kind == K::Bool || t.kind == K::Number))
    return ir::Value::string(t.scalarText());
  if (auto v = literalValue(t))
    return *v;
  return ir::Value();
}

ir::Value defaultByType(llvm::StringRef type) {
  if (type == "boolean")
    return ir::Value::boolean(false);
  if (type == "number")
    return ir::Value::number(0);
  return ir::Value::string("");
}

/// The value of `t` for the callee: a constant when literal or closed.
ir::PlanValue inputValue(const ir::TemplateToken &t, llvm::StringRef type, const KnownContexts &known) {
  if (!t.isExpression())
    return ir::PlanValue::of(coerceInput(t, type));
  if (auto v = evaluateClosed(t, known)) {
    if (type == "string" && v->isPrimitive())
      return ir::PlanValue::of(ir::Value::string(v->toString()));
    return ir::PlanValue::of(std::move(*v));
  }
  return ir::PlanValue::expr(t.str.raw);
}

} // namespace

bool checkCallArguments(const ir::Job &job, const ir::Workflow &callee, ir::DiagnosticEngine &diags) {
  unsigned before = diags.errorCount();
  const ir::Trigger *call = callee.findTrigger("workflow_call");
  if (!call && !callee.triggers.empty() && job.uses)
    diags.report(ir::DiagKind::SchemaReusableNotCallable, job.uses->range, job.uses->value)
        .note(callee.onRange, "its triggers are here");
  using K = ir::TemplateToken::Kind;
  for (const auto &w : job.with) {
    const ir::WorkflowInput *in = call ? call->input(w.key.value) : nullptr;
    if (!in) {
      diags.report(ir::DiagKind::SchemaReusableInputUndefined, w.value.range, w.key.value);
      continue;
    }
    llvm::StringRef type = inputType(*in);
    bool bad = (type == "boolean" && w.value.kind != K::Bool && !w.value.isExpression()) ||
               (type == "number" && w.value.kind != K::Number && !w.value.isExpression());
    if (bad) {
      auto &d = diags.report(ir::DiagKind::SchemaInvalidValue, w.value.range, w.value.scalarText());
      d.valueRange = w.value.range;
      d.note(in->id.range, "input \"" + in->id.value + "\" is declared with type " + type.str());
    }
  }
  if (call && job.uses)
    for (const auto &in : call->inputs)
      if (!givenInput(job, in.id.value) && in.required.value_or(false) && !in.defaultValue)
        diags.report(ir::DiagKind::SchemaReusableInputRequired, job.uses->range, in.id.value);
  if (!job.inheritSecrets) {
    auto declared = [&](llvm::StringRef id) {
      if (call)
        for (const auto &s : call->secrets)
          if (sameName(s.id.value, id))
            return true;
      return false;
    };
    for (const auto &s : job.secrets)
      if (!declared(s.name.value))
        diags.report(ir::DiagKind::SchemaReusableSecretUndefined, s.value.range, s.name.value);
    if (call && job.uses)
      for (const auto &s : call->secrets)
        if (s.required.value_or(false) && !ir::findNamed(job.secrets, s.id.value))
          diags.report(ir::DiagKind::SchemaReusableSecretRequired, job.uses->range, s.id.value);
  }
  return diags.errorCount() == before;
}

std::vector<std::pair<std::string, ir::PlanValue>>
resolveCallInputs(const ir::Job &job, const ir::Workflow &callee, const KnownContexts &caller) {
  std::vector<std::pair<std::string, ir::PlanValue>> out;
  const ir::Trigger *call = callee.findTrigger("workflow_call");
  if (!call)
    return out;
  KnownContexts defaults; // defaults see github, inputs and vars of the callee
  for (const char *name : {"github", "vars"})
    if (const ir::Value *v = caller.values.find(name))
      defaults.set(name, *v, caller.isComplete(name));
  for (const auto &in : call->inputs) {
    llvm::StringRef type = inputType(in);
    if (const ir::TokenEntry *w = givenInput(job, in.id.value))
      out.emplace_back(in.id.value, inputValue(w->value, type, caller));
    else if (in.defaultValue)
      out.emplace_back(in.id.value, inputValue(*in.defaultValue, type, defaults));
    else
      out.emplace_back(in.id.value, ir::PlanValue::of(defaultByType(type)));
  }
  return out;
}

} // namespace passes
