// Hover and completion from the lowered workflow and the expression types.
#include "backend/lsp_ir_features.h"

#include "frontend/lower_workflow.h"
#include "passes/expr_typecheck.h"
#include "passes/lint_config.h"
#include "passes/lint_discovery.h"
#include "passes/lint_driver.h"
#include "passes/lint_expr_env.h"
#include "passes/lint_ir.h"

#include "ir/source_manager.h"

#include <functional>

namespace backend {

namespace {

// A template with the schema definition of its key and its job and step.
struct Site {
  const ir::Template *tmpl = nullptr;
  passes::ExprSite site;
};

bool contains(const ir::SourceRange &r, ir::SourcePos p) {
  if (!r.valid())
    return false;
  if (p.line < r.line || p.line > r.endLine)
    return false;
  if (p.line == r.line && p.col < r.col)
    return false;
  if (p.line == r.endLine && p.col > r.endCol)
    return false;
  return true;
}

// The templates of the workflow whose range holds `pos`.
std::optional<Site> siteAt(const ir::Workflow &wf, ir::SourcePos pos) {
  std::optional<Site> found;
  auto check = [&](const ir::Template &t, passes::ExprSite s) {
    if (!found && contains(t.range, pos))
      found = Site{&t, s};
  };
  auto map = [&](const ir::TemplateMap &m, passes::ExprSite s) {
    for (const auto &e : m)
      check(e.value, s);
  };
  std::function<void(const ir::TemplateToken &, passes::ExprSite)> token =
      [&](const ir::TemplateToken &t, passes::ExprSite s) {
        if (t.isString())
          check(t.str, s);
        for (const auto &i : t.items)
          token(i, s);
        for (const auto &e : t.entries)
          token(e.value, s);
      };
  if (wf.runName)
    check(*wf.runName, {"run-name"});
  map(wf.env, {"workflow-env"});
  for (const ir::Job &j : wf.jobs) {
    if (!contains(j.range, pos) && !contains(j.id.range, pos))
      continue;
    if (j.name)
      check(*j.name, {"string-strategy-context", &j});
    if (j.condition)
      check(*j.condition, {"job-if", &j});
    map(j.outputs, {"string-runner-context", &j, nullptr, true});
    map(j.env, {"job-env", &j});
    if (j.runsOn)
      token(*j.runsOn, {"runs-on", &j});
    for (const auto &w : j.with)
      token(w.value, {"scalar-needs-context", &j});
    passes::forEachStep(j.steps, [&](const ir::Step &s) {
      if (!contains(s.range, pos))
        return;
      if (s.condition)
        check(*s.condition, {"step-if", &j, &s});
      if (s.name)
        check(*s.name, {"step-name", &j, &s});
      check(s.run, {"string-steps-context", &j, &s});
      if (s.workingDirectory)
        check(*s.workingDirectory, {"string-steps-context", &j, &s});
      map(s.with, {"step-with", &j, &s});
      map(s.env, {"step-env", &j, &s});
    });
  }
  return found;
}

// The dotted path of a context/property chain ("needs.build.outputs.v"), or "".
std::string chainText(const ir::Expr &e) {
  switch (e.op) {
  case ir::ExprOp::Context:
    return e.text;
  case ir::ExprOp::Property: {
    std::string base = chainText(*e.args[0]);
    return base.empty() ? "" : base + "." + e.text;
  }
  case ir::ExprOp::Index: {
    std::string base = chainText(*e.args[0]);
    if (base.empty() || e.args[1]->op != ir::ExprOp::String)
      return "";
    return base + "['" + e.args[1]->text + "']";
  }
  default:
    return "";
  }
}

// Where the value of a path comes from, in words.
std::string valueSource(llvm::StringRef path, const ir::Workflow &wf, const passes::ExprSite &site) {
  llvm::SmallVector<llvm::StringRef, 6> parts;
  path.split(parts, '.');
  llvm::StringRef ctx = parts[0];
  auto line = [](const ir::SourceRange &r) { return " (line " + std::to_string(r.line) + ")"; };
  if (ctx.equals_insensitive("needs") && parts.size() > 1) {
    if (const ir::Job *j = wf.findJob(parts[1])) {
      if (parts.size() > 3 && parts[2] == "outputs")
        if (const ir::NamedTemplate *o = ir::findNamed(j->outputs, parts[3]))
          return "output `" + o->name.value + "` of job `" + j->id.value + "`" + line(o->name.range) +
                 ": `" + o->value.raw + "`";
      return "job `" + j->id.value + "`" + line(j->id.range);
    }
  }
  if (ctx.equals_insensitive("steps") && parts.size() > 1 && site.job)
    if (const ir::Step *s = site.job->findStep(parts[1]))
      return "step `" + s->id.value + "`" + line(s->id.range) +
             (s->uses ? ", action `" + s->uses->value + "`" : std::string());
  if (ctx.equals_insensitive("inputs") && parts.size() > 1)
    for (const ir::Trigger &t : wf.triggers)
      if (const ir::WorkflowInput *in = t.input(parts[1]))
        return "input `" + in->id.value + "` of `" + t.event.value + "`" + line(in->id.range) +
               (in->type ? ", type `" + in->type->value + "`" : std::string());
  if (ctx.equals_insensitive("matrix") && site.job && site.job->matrix())
    return "the matrix of job `" + site.job->id.value + "`" + line(site.job->matrix()->range) +
           " (rows and `include`)";
  if (ctx.equals_insensitive("jobs") && parts.size() > 1)
    if (const ir::Job *j = wf.findJob(parts[1]))
      return "job `" + j->id.value + "`" + line(j->id.range);
  return "the `" + ctx.str() + "` context";
}

class IrFeatures final : public LanguageFeatures {
public:
  std::optional<HoverInfo> hover(const FeatureContext &fc, ir::SourcePos pos) override {
    Lowered l(fc);
    if (!l.wf)
      return std::nullopt;
    auto site = siteAt(*l.wf, pos);
    if (!site)
      return std::nullopt;
    const passes::LintFileFacts &facts = l.ctx->facts();
    for (const ir::TemplatePart &p : site->tmpl->parts) {
      if (!p.isExpr || !p.ast)
        continue;
      ir::SourceRange pr = facts.templateRange(*site->tmpl, p.offset, p.text.size());
      if (pr.line != pos.line || pos.col < pr.col || pos.col > pr.endCol)
        continue;
      uint32_t off = pos.col - pr.col;
      // The smallest chain node whose own token holds the cursor.
      const ir::Expr *hit = nullptr;
      ir::walkExpr(*p.ast, [&](const ir::Expr &n) {
        if ((n.op == ir::ExprOp::Context || n.op == ir::ExprOp::Property ||
             n.op == ir::ExprOp::Index) &&
            off >= n.pos && off <= n.pos + n.len)
          hit = &n;
      });
      if (!hit)
        return std::nullopt;
      std::string path = chainText(*hit);
      if (path.empty())
        return std::nullopt;
      passes::WorkflowTypes types(*l.ctx, *l.wf);
      ir::TypeEnv env = types.envFor(site->site);
      passes::ExprTypeCheck r = passes::typeCheckExpr(*hit, env);
      std::string md = "`" + path + "`: `" + (r.type ? r.type->str() : "any") + "`\n\n" +
                       "from " + valueSource(path, *l.wf, site->site);
      if (!r.diagnostics.empty())
        md += "\n\n" + r.diagnostics.front().message;
      const ir::Expr *root = hit;
      while (!root->args.empty() &&
             (root->op == ir::ExprOp::Property || root->op == ir::ExprOp::Index))
        root = root->args[0].get();
      ir::SourceRange range =
          facts.templateRange(*site->tmpl, p.offset + root->pos, hit->pos + hit->len - root->pos);
      return HoverInfo{md, range};
    }
    return std::nullopt;
  }

  std::vector<CompletionEntry> complete(const FeatureContext &fc, ir::SourcePos pos) override {
    std::vector<CompletionEntry> out;
    llvm::StringRef line = fc.doc.lineText(pos.line - 1);
    llvm::StringRef before = line.substr(0, ir::byteOffsetOfColumn(line, pos.col));
    size_t open = before.rfind("${{");
    if (open == llvm::StringRef::npos || before.find("}}", open) != llvm::StringRef::npos)
      return out;
    llvm::StringRef expr = before.substr(open + 3);
    size_t t = expr.size();
    while (t > 0 && (llvm::isAlnum(expr[t - 1]) || expr[t - 1] == '_' || expr[t - 1] == '-' ||
                     expr[t - 1] == '.'))
      --t;
    llvm::StringRef token = expr.substr(t);
    size_t dot = token.rfind('.');
    if (dot == llvm::StringRef::npos)
      return out;
    llvm::StringRef prefix = token.substr(0, dot);
    Lowered l(fc);
    if (!l.wf)
      return out;
    // The key at the cursor: the template there, else the step or job around it.
    passes::ExprSite site{"string-steps-context"};
    if (auto s = siteAt(*l.wf, pos)) {
      site = s->site;
    } else {
      for (const ir::Job &j : l.wf->jobs)
        if (j.range.valid() && pos.line >= j.range.line && pos.line <= j.range.endLine) {
          site.job = &j;
          site.definition = "string-runner-context";
          passes::forEachStep(j.steps, [&](const ir::Step &s) {
            if (s.range.valid() && pos.line >= s.range.line && pos.line <= s.range.endLine) {
              site.step = &s;
              site.definition = "string-steps-context";
            }
          });
        }
    }
    frontend::ParsedExpr parsed = frontend::parseExpression(prefix);
    if (!parsed.ast)
      return out;
    passes::WorkflowTypes types(*l.ctx, *l.wf);
    ir::TypeEnv env = types.envFor(site);
    passes::ExprTypeCheck r = passes::typeCheckExpr(*parsed.ast, env);
    if (!r.type || r.type->kind != ir::ExprType::Kind::Object)
      return out;
    for (const auto &[name, type] : r.type->props)
      out.push_back({name, type ? type->str() : "any", "", CompletionKind::Variable});
    return out;
  }

private:
  // The document lowered, with a lint context for the types.
  struct Lowered {
    explicit Lowered(const FeatureContext &fc) {
      if (!fc.yaml.root || fc.kind != passes::LintFileKind::Workflow)
        return;
      workflow = frontend::lowerWorkflow(fc.sm, fc.yaml, diags);
      std::string path = uriToPath(fc.doc.uri());
      ctx = std::make_unique<passes::LintContext>(fc.sm, fc.file, path, fc.kind, config, options,
                                                  diags);
      ctx->workflow = &*workflow;
      ctx->root = fc.yaml.root;
      if (auto root = passes::findRepositoryRoot(path))
        ctx->repoRoot = *root;
      wf = &*workflow;
    }
    ir::DiagnosticEngine diags;
    passes::LintConfig config;
    passes::LintOptions options;
    std::optional<ir::Workflow> workflow;
    std::unique_ptr<passes::LintContext> ctx;
    const ir::Workflow *wf = nullptr;
  };
};

} // namespace

std::unique_ptr<LanguageFeatures> createIrLanguageFeatures() { return std::make_unique<IrFeatures>(); }

} // namespace backend
