// Rule `jobs`: the job graph and per-job values over the lowered workflow.
//
// * `needs`: an id listed twice (case-insensitively), cycles (when some job
//   starts the workflow; otherwise the frontend reports that no job can
//   start), and entries implied by another need (`needs-redundant`, from the
//   transitive reduction of ir/job_graph.h).
// * Jobs that can never run: they need a job whose `if:` is constantly false
//   and their own condition does not override skipping (`always()` and the
//   other status functions) (`job-never-runs`).
// * Job outputs that no `needs.<job>.outputs.<name>` reads (`job-output-unused`;
//   reusable workflows export theirs through `jobs.<job>.outputs`).
// * `timeout-minutes` must be a positive number (`timeout`).
// * Shell names per runner OS: `sh` is not on Windows, `cmd`/`powershell` only
//   there; other names need a `{0}` command template (`shell-name`).
#include "passes/lint_ir.h"
#include "passes/lint_rule.h"

#include "ir/job_graph.h"

#include <set>

namespace passes {

namespace {

bool mentionsStatusFunction(const ir::Template &t) {
  bool found = false;
  for (const auto &p : t.parts)
    if (p.isExpr && p.ast)
      ir::walkExpr(*p.ast, [&](const ir::Expr &n) {
        if (n.op == ir::ExprOp::Call) {
          llvm::StringRef f = n.text;
          if (f.equals_insensitive("always") || f.equals_insensitive("failure") ||
              f.equals_insensitive("cancelled") || f.equals_insensitive("success"))
            found = true;
        }
      });
  return found;
}

bool constantlyFalse(const std::optional<ir::Template> &c) {
  if (!c || c->parts.size() != 1 || !c->parts[0].isExpr || !c->parts[0].ast)
    return false;
  const ir::Expr &e = *c->parts[0].ast;
  return e.op == ir::ExprOp::Bool && !e.boolean;
}

// Every `needs.<job>.outputs.<name>` read anywhere in a template; "*" as name
// when the outputs are read as a whole (toJSON(needs.x.outputs), needs.x.outputs[...]).
void collectReads(const ir::Expr &e, std::set<std::pair<std::string, std::string>> &reads,
                  bool &wholeNeeds) {
  ir::walkExpr(e, [&](const ir::Expr &n) {
    if (n.op == ir::ExprOp::Context && llvm::StringRef(n.text).equals_insensitive("needs"))
      wholeNeeds = true; // refined below when the chain is a plain property path
    const ir::Expr *a = &n;
    if (a->op != ir::ExprOp::Property && a->op != ir::ExprOp::Index)
      return;
    const ir::Expr *outs = a->args[0].get();
    std::string name = a->op == ir::ExprOp::Property ? a->text
                       : a->args[1]->op == ir::ExprOp::String ? a->args[1]->text
                                                              : "*";
    if (outs->op != ir::ExprOp::Property || !llvm::StringRef(outs->text).equals_insensitive("outputs"))
      return;
    const ir::Expr *job = outs->args[0].get();
    if (job->op != ir::ExprOp::Property)
      return;
    const ir::Expr *needs = job->args[0].get();
    if (needs->op == ir::ExprOp::Context && (llvm::StringRef(needs->text).equals_insensitive("needs") ||
                                             llvm::StringRef(needs->text).equals_insensitive("jobs")))
      reads.insert({llvm::StringRef(job->text).lower(), llvm::StringRef(name).lower()});
  });
}

void forEachTemplate(const ir::TemplateToken &t, const std::function<void(const ir::Template &)> &fn) {
  if (t.isString())
    fn(t.str);
  for (const auto &i : t.items)
    forEachTemplate(i, fn);
  for (const auto &e : t.entries)
    forEachTemplate(e.value, fn);
}

class JobsRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "jobs"; }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (ctx.workflow) {
      checkGraph(*ctx.workflow, ctx);
      checkOutputs(*ctx.workflow, ctx);
      for (const ir::Job &j : ctx.workflow->jobs) {
        checkTimeout(j.timeoutMinutes, "timeout-minutes", ctx);
        checkShells(j, ctx);
        forEachStep(j.steps, [&](const ir::Step &s) {
          checkTimeout(s.timeoutMinutes, "timeout-minutes", ctx);
        });
      }
    }
  }

private:
  static void checkTimeout(const std::optional<ir::TemplateToken> &t, const char *key,
                           LintContext &ctx) {
    if (t && t->kind == ir::TemplateToken::Kind::Number && t->number <= 0)
      ctx.report(ir::DiagKind::LintTimeoutValue, t->range, key, ir::formatNumber(t->number));
  }

  static void checkGraph(const ir::Workflow &wf, LintContext &ctx) {
    ir::JobGraph g(wf.jobs.size());
    auto index = [&](llvm::StringRef id) -> int {
      for (size_t i = 0; i < wf.jobs.size(); ++i)
        if (llvm::StringRef(wf.jobs[i].id.value).equals_insensitive(id))
          return int(i);
      return -1;
    };
    bool haveStart = false;
    for (size_t i = 0; i < wf.jobs.size(); ++i) {
      const ir::Job &j = wf.jobs[i];
      haveStart = haveStart || j.needs.empty();
      std::set<std::string> seen;
      for (const ir::LocatedString &n : j.needs) {
        if (!seen.insert(llvm::StringRef(n.value).lower()).second) {
          ctx.report(ir::DiagKind::LintNeedsDuplicate, n.range, n.value);
          continue;
        }
        int d = index(n.value);
        if (d >= 0)
          g.addNeed(ir::JobGraph::Node(i), ir::JobGraph::Node(d));
      }
    }
    if (auto cycle = g.findCycle()) {
      if (haveStart) {
        std::string path;
        for (ir::JobGraph::Node n : *cycle)
          path += "\"" + wf.jobs[n].id.value + "\" -> ";
        path += "\"" + wf.jobs[cycle->front()].id.value + "\"";
        ctx.report(ir::DiagKind::LintNeedsCycle, wf.jobs[cycle->front()].id.range, path);
      }
      return;
    }
    auto redundant = g.redundantNeeds();
    for (size_t i = 0; i < wf.jobs.size(); ++i)
      for (ir::JobGraph::Node r : redundant[i]) {
        // Name the need that already implies it.
        std::string via;
        for (ir::JobGraph::Node other : g.needs(ir::JobGraph::Node(i))) {
          if (other == r)
            continue;
          auto anc = g.ancestors(other);
          if (std::find(anc.begin(), anc.end(), r) != anc.end()) {
            via = wf.jobs[other].id.value;
            break;
          }
        }
        for (const ir::LocatedString &n : wf.jobs[i].needs)
          if (llvm::StringRef(n.value).equals_insensitive(wf.jobs[r].id.value)) {
            ctx.report(ir::DiagKind::LintNeedsRedundant, n.range, n.value, via);
            break;
          }
      }
    // Jobs that can never run, in dependency order.
    std::vector<std::string> never(wf.jobs.size());
    for (ir::JobGraph::Node n : g.topologicalOrder()) {
      const ir::Job &j = wf.jobs[n];
      if (constantlyFalse(j.condition)) {
        never[n] = "its condition is always false";
        continue;
      }
      if (j.condition && mentionsStatusFunction(*j.condition))
        continue;
      for (ir::JobGraph::Node d : g.needs(n))
        if (!never[d].empty()) {
          never[n] = "it needs \"" + wf.jobs[d].id.value + "\", which never runs, and its condition does not use always()";
          ctx.report(ir::DiagKind::LintJobNeverRuns, j.id.range, j.id.value, never[n]);
          break;
        }
    }
  }

  static void checkOutputs(const ir::Workflow &wf, LintContext &ctx) {
    std::set<std::pair<std::string, std::string>> reads;
    bool whole = false;
    auto scan = [&](const ir::Template &t) {
      for (const auto &p : t.parts)
        if (p.isExpr && p.ast) {
          bool w = false;
          collectReads(*p.ast, reads, w);
        }
    };
    // Reads as a whole (toJSON(needs), needs[...]) make every output possibly read.
    auto scanWhole = [&](const ir::Template &t) {
      for (const auto &p : t.parts)
        if (p.isExpr && p.ast)
          ir::walkExpr(*p.ast, [&](const ir::Expr &n) {
            if ((n.op == ir::ExprOp::Call || n.op == ir::ExprOp::Index) && !n.args.empty()) {
              const ir::Expr &a = *n.args[0];
              bool isNeeds = a.op == ir::ExprOp::Context &&
                             (llvm::StringRef(a.text).equals_insensitive("needs") ||
                              llvm::StringRef(a.text).equals_insensitive("jobs"));
              bool isOutputs = a.op == ir::ExprOp::Property &&
                               llvm::StringRef(a.text).equals_insensitive("outputs");
              bool isJob = a.op == ir::ExprOp::Property && !a.args.empty() &&
                           a.args[0]->op == ir::ExprOp::Context &&
                           llvm::StringRef(a.args[0]->text).equals_insensitive("needs");
              if (isNeeds || (n.op == ir::ExprOp::Call && (isOutputs || isJob)))
                whole = true;
            }
            if (n.op == ir::ExprOp::Wildcard)
              whole = true;
          });
    };
    auto both = [&](const ir::Template &t) {
      scan(t);
      scanWhole(t);
    };
    visitTemplates(wf, both);
    if (whole)
      return;
    for (const ir::Job &j : wf.jobs)
      for (const auto &o : j.outputs) {
        std::string job = llvm::StringRef(j.id.value).lower();
        if (reads.count({job, llvm::StringRef(o.name.value).lower()}) || reads.count({job, "*"}))
          continue;
        ctx.report(ir::DiagKind::LintJobOutputUnused, o.name.range, o.name.value, j.id.value,
                   j.id.value, o.name.value);
      }
  }

  static void visitTemplates(const ir::Workflow &wf, const std::function<void(const ir::Template &)> &fn) {
    auto opt = [&](const std::optional<ir::Template> &t) {
      if (t)
        fn(*t);
    };
    auto map = [&](const ir::TemplateMap &m) {
      for (const auto &e : m)
        fn(e.value);
    };
    auto tok = [&](const std::optional<ir::TemplateToken> &t) {
      if (t)
        forEachTemplate(*t, fn);
    };
    opt(wf.runName);
    map(wf.env);
    for (const auto &t : wf.triggers)
      for (const auto &o : t.outputs)
        fn(o.value);
    for (const ir::Job &j : wf.jobs) {
      opt(j.name);
      opt(j.condition);
      tok(j.runsOn);
      tok(j.environment);
      map(j.outputs);
      map(j.env);
      tok(j.strategy);
      tok(j.container);
      tok(j.services);
      tok(j.timeoutMinutes);
      tok(j.continueOnError);
      if (j.concurrency)
        fn(j.concurrency->group);
      for (const auto &w : j.with)
        forEachTemplate(w.value, fn);
      map(j.secrets);
      forEachStep(j.steps, [&](const ir::Step &s) {
        opt(s.condition);
        opt(s.name);
        fn(s.run);
        opt(s.workingDirectory);
        map(s.with);
        map(s.env);
        tok(s.continueOnError);
        tok(s.timeoutMinutes);
      });
    }
  }

  // The OS a job's runs-on names: 'w' Windows, 'u' Linux/macOS, 0 unknown.
  static char osOf(const ir::Job &j) {
    char os = 0;
    for (const std::string &l : j.runsOnLabels()) {
      llvm::StringRef s = llvm::StringRef(l).lower();
      if (s.contains("${{"))
        return 0;
      if (s.startswith("windows"))
        os = 'w';
      else if (s.startswith("ubuntu") || s.startswith("macos") || s == "linux" || s == "macos")
        os = 'u';
    }
    return os;
  }

  static void checkShell(const ir::SourceRange &range, llvm::StringRef shell, char os,
                         LintContext &ctx) {
    if (shell.contains("{0}") || shell.contains("${{") || shell.empty())
      return;
    static const llvm::StringRef any[] = {"bash", "pwsh", "python", "sh", "cmd", "powershell"};
    std::string lower = shell.split(' ').first.lower();
    llvm::StringRef name = lower;
    if (!llvm::is_contained(any, name)) {
      ctx.report(ir::DiagKind::LintShellName, range, name, "",
                 os == 'w'   ? "\"bash\", \"cmd\", \"powershell\", \"pwsh\", \"python\""
                 : os == 'u' ? "\"bash\", \"pwsh\", \"python\", \"sh\""
                             : "\"bash\", \"cmd\", \"powershell\", \"pwsh\", \"python\", \"sh\"");
      return;
    }
    if (os == 'w' && name == "sh")
      ctx.report(ir::DiagKind::LintShellName, range, name, " on Windows",
                 "\"bash\", \"cmd\", \"powershell\", \"pwsh\", \"python\"");
    if (os == 'u' && (name == "cmd" || name == "powershell"))
      ctx.report(ir::DiagKind::LintShellName, range, name, " on macOS or Linux",
                 "\"bash\", \"pwsh\", \"python\", \"sh\"");
  }

  static void checkShells(const ir::Job &j, LintContext &ctx) {
    char os = osOf(j);
    if (j.defaults.shell)
      checkShell(j.defaults.shell->range, j.defaults.shell->raw, os, ctx);
    forEachStep(j.steps, [&](const ir::Step &s) {
      if (s.shell)
        checkShell(s.shell->range, s.shell->value, os, ctx);
    });
  }
};

} // namespace

std::unique_ptr<LintRule> createJobsRule() { return std::make_unique<JobsRule>(); }

} // namespace passes
