// expand-matrix: static matrices into legs (GitHub's order, names, config ids); dynamic ones stay symbolic.
#include "passes/pass_expand_matrix.h"

#include "passes/matrix_template.h"

namespace passes {

JobMatrix evaluateJobMatrix(const ir::Job &job, llvm::StringRef displayName,
                            const KnownContexts &known) {
  JobMatrix m;
  if (!job.strategy)
    return m;
  if (job.strategy->isExpression()) {
    m.kind = JobMatrix::Kind::Dynamic;
    m.token = &*job.strategy;
    return m;
  }
  const ir::TemplateToken *matrix = job.matrix();
  if (!matrix)
    return m;
  m.token = matrix;
  // Expression keys, `${{ insert }}` and arrays spliced into vectors: GitHub's
  // template reader, with the code the runtimes use for the same matrix.
  ir::Value tmpl = tokenTemplateValue(*matrix);
  std::optional<ir::Value> value = tmpl;
  if (holdsTemplate(tmpl)) {
    MatrixTemplateResult r = evaluateMatrixTemplate(tmpl, known.values, &known);
    if (!r.error.empty()) { // known now, and wrong: GitHub fails the run on it too
      m.kind = JobMatrix::Kind::Static;
      m.expansion.error = MatrixError{r.error, ""};
      return m;
    }
    value = std::move(r.value);
  }
  if (!value) {
    m.kind = JobMatrix::Kind::Dynamic;
    return m;
  }
  MatrixOptions opts;
  opts.suffixName = !(job.name && job.name->hasExpressions());
  m.kind = JobMatrix::Kind::Static;
  m.expansion = expandMatrix(*value, displayName, opts);
  return m;
}

void reportMatrixError(const MatrixError &err, const ir::TemplateToken &matrix,
                       ir::DiagnosticEngine &diags) {
  ir::SourceRange at = matrix.range;
  if (!err.key.empty() && matrix.isMapping())
    for (const auto &e : matrix.entries)
      if (llvm::StringRef(e.key.value).equals_insensitive(err.key)) {
        at = e.value.range.valid() ? e.value.range : e.key.range;
        break;
      }
  auto &d = diags.report(ir::DiagKind::MatrixInvalid, at, err.message);
  d.valueRange = at;
}

std::string legName(const ir::PlanJob &job, const MatrixLeg *leg, const ir::Value &strategy,
                    const KnownContexts &known) {
  const ir::Job *src = job.source;
  if (src && src->name && src->name->hasExpressions()) {
    KnownContexts k = known;
    k.set("matrix", leg ? leg->matrix : ir::Value(), true);
    k.set("strategy", strategy, true);
    if (auto v = evaluateClosed(*src->name, k))
      return v->toString();
    return src->name->raw;
  }
  return leg ? leg->displayName : job.name;
}

ir::PlanStrategy planStrategy(const ir::Job &job, const KnownContexts &known) {
  ir::PlanStrategy st;
  st.failFast = ir::PlanValue::of(ir::Value::boolean(true));
  st.maxParallel = ir::PlanValue::of(ir::Value());
  if (!job.strategy || !job.strategy->isMapping())
    return st;
  if (const ir::TemplateToken *ff = job.strategy->get("fail-fast")) {
    if (auto v = evaluateClosed(*ff, known))
      st.failFast = ir::PlanValue::of(std::move(*v));
    else
      st.failFast = ir::PlanValue::expr(ff->str.raw);
  }
  if (const ir::TemplateToken *mp = job.strategy->get("max-parallel")) {
    if (auto v = evaluateClosed(*mp, known))
      st.maxParallel = ir::PlanValue::of(std::move(*v));
    else
      st.maxParallel = ir::PlanValue::expr(mp->str.raw);
  }
  return st;
}

namespace {

std::optional<double> constantNumber(const ir::PlanValue &v) {
  if (v.resolved() && v.constant->isNumber())
    return v.constant->getNumber();
  return std::nullopt;
}

bool constantBool(const ir::PlanValue &v, bool dflt) {
  return v.resolved() ? v.constant->truthy() : dflt;
}

/// Expands one plan job; false when it reported an error.
void expandJob(CompileUnit &unit, ir::PlanJob &job) {
  const ir::Job *src = job.source;
  KnownContexts known = unit.knownFor(job);
  bool call = !job.uses.empty();
  if (src && src->strategy)
    job.strategy = planStrategy(*src, known);
  JobMatrix m = src ? evaluateJobMatrix(*src, job.name, known) : JobMatrix{};
  if (m.kind == JobMatrix::Kind::Dynamic) {
    ir::PlanStrategy &st = *job.strategy;
    if (m.token == &*src->strategy)
      st.dynamicMatrix = "${{ (" + m.token->str.toExpressionSource() + ").matrix }}";
    else if (m.token->isExpression())
      st.dynamicMatrix = m.token->str.raw;
    else
      st.matrix = m.token;
    job.legs = 256;
    job.instances.clear();
    return;
  }
  if (call)
    return; // a call node runs no compute; its legs were split by inline-reusable
  job.instances.clear();
  if (m.kind == JobMatrix::Kind::None) {
    ir::Value strategy = strategyContext(true, 0, 1, 1);
    job.instances.push_back({job.id, job.namePrefix + legName(job, nullptr, strategy, known),
                             ir::Value(), "__default"});
    job.legs = 1;
    return;
  }
  if (m.expansion.error) {
    reportMatrixError(*m.expansion.error, *m.token, unit.diags);
    job.legs = 0;
    return;
  }
  const auto &legs = m.expansion.legs;
  bool failFast = constantBool(job.strategy->failFast, true);
  std::optional<double> maxParallel = constantNumber(job.strategy->maxParallel);
  job.instances.reserve(legs.size());
  for (size_t i = 0; i < legs.size(); ++i) {
    ir::Value strategy = strategyContext(failFast, i, legs.size(), maxParallel);
    job.instances.push_back({job.id + "." + legs[i].configId,
                             job.namePrefix + legName(job, &legs[i], strategy, known),
                             legs[i].matrix, legs[i].configId});
  }
  job.legs = int64_t(legs.size());
}

} // namespace

PreservedAnalyses ExpandMatrixPass::run(CompileUnit &unit, CompileAnalysisManager &) {
  for (ir::PlanJob &job : unit.workflow().jobs) {
    if (!job.uses.empty() && !job.instances.empty())
      continue; // a leg of a call split by inline-reusable
    expandJob(unit, job);
  }
  return PreservedAnalyses::all();
}

} // namespace passes
