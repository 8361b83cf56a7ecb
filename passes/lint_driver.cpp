// The ci-lint driver: projects, parallel linting, filters, merging.
#include "passes/lint_driver.h"

#include <algorithm>
#include <tuple>

#include "frontend/action_metadata.h"
#include "frontend/lower_workflow.h"
#include "frontend/yaml_reader.h"
#include "passes/lint_discovery.h"
#include "passes/lint_suppression.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"

namespace passes {

llvm::Expected<std::unique_ptr<Linter>> Linter::create(LintOptions opts) {
  KindSelection probe;
  for (const auto &[k, on] : opts.kindSwitches)
    if (llvm::Error e = probe.set(k, on))
      return e;
  std::unique_ptr<Linter> l(new Linter(std::move(opts)));
  for (const std::string &pat : l->opts_.ignorePatterns) {
    std::string err;
    auto re = compileUserRegex(pat, err);
    if (!re)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "invalid regular expression \"%s\" for --ignore: %s",
                                     pat.c_str(), err.c_str());
    l->ignores_.push_back(std::move(*re));
  }
  return l;
}

llvm::Error Linter::loadProject(LintProject &p, llvm::StringRef configPath) {
  auto buf = llvm::MemoryBuffer::getFile(configPath, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return llvm::createStringError(buf.getError(), "cannot read config file %s: %s",
                                   configPath.str().c_str(), buf.getError().message().c_str());
  ir::SourceManager sm;
  ir::FileId id = sm.addFile(configPath.str(), (*buf)->getBuffer().str());
  ir::DiagnosticEngine diags;
  p.config = parseLintConfig(sm, id, diags);
  diags.finalize();
  p.configText = sm.text(id).str();
  p.configDiags = diags.diagnostics();
  return llvm::Error::success();
}

const LintProject &Linter::projectFor(llvm::StringRef path) {
  std::string root = opts_.root;
  if (root.empty() && path != "-") {
    if (auto r = findRepositoryRoot(path.empty() ? "." : path))
      root = *r;
  } else if (root.empty()) {
    if (auto r = findRepositoryRoot("."))
      root = *r;
  }
  auto &slot = projects_[root];
  if (slot)
    return *slot;
  slot = std::make_unique<LintProject>();
  LintProject &p = *slot;
  p.root = root;
  p.ignores = ignores_;
  std::string configPath = opts_.configPath;
  if (configPath.empty() && !root.empty())
    if (auto c = findLintConfig(root))
      configPath = *c;
  if (!configPath.empty()) {
    if (llvm::Error e = loadProject(p, configPath)) {
      // An unreadable --config is reported like a config problem at the file level.
      ir::Diagnostic d;
      d.kind = ir::DiagKind::LintConfig;
      d.severity = ir::Severity::Error;
      d.message = llvm::toString(std::move(e));
      p.configDiags.push_back(std::move(d));
    }
  }
  for (const std::string &k : p.config.enable)
    llvm::consumeError(p.kinds.set(k, true));
  for (const std::string &k : p.config.disable)
    llvm::consumeError(p.kinds.set(k, false));
  for (const auto &[k, on] : opts_.kindSwitches)
    llvm::consumeError(p.kinds.set(k, on));
  return p;
}

std::vector<ir::Diagnostic> Linter::lintSource(const ir::SourceManager &sm, ir::FileId file,
                                               const LintProject &project,
                                               llvm::StringRef relPath, LintFileKind kind,
                                               bool external) const {
  ir::DiagnosticEngine diags;
  auto doc = frontend::readYaml(sm, file, diags);
  YamlWorkflowView view = buildYamlView(doc->root, kind);
  // The frontend's schema checks (unknown keys, wrong shapes, ids, needs, ...):
  // lowering reports them; the lowered model is what IR-based rules will visit.
  std::optional<ir::Workflow> workflow;
  std::optional<ir::Action> action;
  if (doc->root) {
    if (kind == LintFileKind::Workflow)
      workflow = frontend::lowerWorkflow(sm, *doc, diags);
    else
      action = frontend::lowerAction(sm, *doc, diags);
  }

  std::vector<std::unique_ptr<LintRule>> owned;
  std::vector<LintRule *> rules;
  for (const LintRuleInfo &info : lintRules()) {
    if (info.external && (!external || !opts_.externalTools))
      continue;
    if (!project.kinds.anyEnabled(info.kinds))
      continue;
    owned.push_back(info.create());
    rules.push_back(owned.back().get());
  }
  if (doc->root) {
    LintContext ctx(sm, file, relPath, kind, project.config, opts_, diags);
    ctx.workflow = workflow ? &*workflow : nullptr;
    ctx.action = action ? &*action : nullptr;
    ctx.root = doc->root;
    ctx.repoRoot = project.root.empty() ? opts_.root : project.root;
    runLintRules(view, rules, ctx);
  }
  SuppressionSet suppressions = SuppressionSet::scan(sm, file, diags);
  diags.finalize();

  std::vector<ir::Diagnostic> out;
  for (ir::Diagnostic &d : diags.diagnostics()) {
    if (!project.kinds.enabled(d.kindName()))
      continue;
    bool ignored = false;
    for (const std::regex &re : project.ignores)
      if (std::regex_search(d.message, re)) {
        ignored = true;
        break;
      }
    if (ignored || project.config.ignores(relPath, d.message) || suppressions.suppresses(d))
      continue;
    out.push_back(std::move(d));
  }
  // Comments that silenced nothing, for kinds that were checked in this run.
  if (doc->root && project.kinds.enabled("suppression-unused")) {
    bool externalRan = external && opts_.externalTools;
    ir::DiagnosticEngine unused;
    suppressions.forEachUnused([&](const Suppression &s, const std::string &kind) {
      if (!project.kinds.enabled(kind))
        return;
      if (!externalRan && (kind == "shellcheck" || kind == "pyflakes"))
        return;
      std::vector<std::string> all = lintKindNames();
      if (!std::binary_search(all.begin(), all.end(), kind))
        return; // reported as `suppression`
      unused.report(ir::DiagKind::LintSuppressionUnused, s.range, kind);
    });
    unused.finalize();
    if (!unused.diagnostics().empty()) {
      for (ir::Diagnostic &d : unused.diagnostics())
        out.push_back(std::move(d));
      std::stable_sort(out.begin(), out.end(), [](const ir::Diagnostic &a, const ir::Diagnostic &b) {
        return std::tie(a.range.line, a.range.col) < std::tie(b.range.line, b.range.col);
      });
    }
  }
  return out;
}

static void remapRange(ir::SourceRange &r, const std::vector<ir::FileId> &ids) {
  if (r.file != 0 && r.file <= ids.size())
    r.file = ids[r.file - 1];
}

void mergeDiagnostics(const ir::SourceManager &from, std::vector<ir::Diagnostic> diags,
                      ir::SourceManager &to, std::vector<ir::Diagnostic> &out) {
  std::vector<ir::FileId> ids;
  for (ir::FileId f = 1; f <= from.fileCount(); ++f)
    ids.push_back(to.addFile(from.name(f).str(), from.text(f).str()));
  for (ir::Diagnostic &d : diags) {
    remapRange(d.range, ids);
    remapRange(d.valueRange, ids);
    for (auto &n : d.notes)
      remapRange(n.range, ids);
    out.push_back(std::move(d));
  }
}

namespace {
struct FileResult {
  ir::SourceManager sm;
  std::vector<ir::Diagnostic> diags;
  std::string error;
};
} // namespace

LintReport Linter::lint(const std::vector<LintInput> &inputs) {
  LintReport report;
  std::vector<const LintProject *> projects;
  std::vector<const LintProject *> configsToReport;
  for (const LintInput &in : inputs) {
    const LintProject *p = &projectFor(in.path);
    projects.push_back(p);
    if (!p->configDiags.empty() &&
        std::find(configsToReport.begin(), configsToReport.end(), p) == configsToReport.end())
      configsToReport.push_back(p);
  }
  for (const LintProject *p : configsToReport) {
    ir::SourceManager sm;
    if (!p->config.path.empty())
      sm.addFile(p->config.path, p->configText);
    std::vector<ir::Diagnostic> diags;
    for (const ir::Diagnostic &d : p->configDiags)
      if (p->kinds.enabled(d.kindName()))
        diags.push_back(d);
    mergeDiagnostics(sm, std::move(diags), report.sm, report.diags);
  }

  std::vector<FileResult> results(inputs.size());
  auto work = [&](size_t i) {
    const LintInput &in = inputs[i];
    FileResult &r = results[i];
    std::string text;
    if (in.text) {
      text = *in.text;
    } else {
      auto buf = llvm::MemoryBuffer::getFile(in.path, /*IsText=*/false,
                                             /*RequiresNullTerminator=*/false);
      if (!buf) {
        r.error = "cannot read " + in.path + ": " + buf.getError().message();
        return;
      }
      text = (*buf)->getBuffer().str();
    }
    std::string name = in.displayName.empty() ? in.path : in.displayName;
    ir::FileId id = r.sm.addFile(name, std::move(text));
    const LintProject &p = *projects[i];
    std::string rel = p.root.empty() ? name : relativeToRoot(in.path == "-" ? name : in.path, p.root);
    r.diags = lintSource(r.sm, id, p, rel, classifyLintFile(name), /*external=*/true);
  };
  if (inputs.size() <= 1 || opts_.jobs == 1) {
    for (size_t i = 0; i < inputs.size(); ++i)
      work(i);
  } else {
    llvm::ThreadPool pool(llvm::hardware_concurrency(opts_.jobs));
    for (size_t i = 0; i < inputs.size(); ++i)
      pool.async([&work, i] { work(i); });
    pool.wait();
  }
  for (FileResult &r : results) {
    if (!r.error.empty()) {
      report.errors.push_back(std::move(r.error));
      continue;
    }
    mergeDiagnostics(r.sm, std::move(r.diags), report.sm, report.diags);
  }
  return report;
}

} // namespace passes
