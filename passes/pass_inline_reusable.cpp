// inline-reusable: call nodes get inputs/secrets/outputs, callee jobs become members; limits and cycles.
#include "passes/pass_inline_reusable.h"

#include "passes/job_graph_analysis.h"
#include "passes/pass_expand_matrix.h"
#include "passes/pass_resolve_needs.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <map>

namespace passes {

namespace {

std::string normalizedPath(llvm::StringRef p) {
  llvm::SmallString<256> s(p);
  llvm::sys::fs::make_absolute(s);
  llvm::sys::path::remove_dots(s, true);
  return std::string(s);
}

class Inliner {
public:
  explicit Inliner(CompileUnit &u) : unit_(u) {}

  void run() {
    std::vector<ir::PlanJob> jobs = std::move(unit_.workflow().jobs);
    std::vector<ir::PlanJob> out;
    out.reserve(jobs.size());
    std::vector<std::string> chain{normalizedPath(unit_.root.file)};
    shown_ = {unit_.root.file};
    for (ir::PlanJob &job : jobs) {
      if (job.uses.empty() || !job.call.empty() || !job.calleePath.empty() || !job.source)
        out.push_back(std::move(job)); // a plain job, or one inlined by an earlier run
      else
        handleCall(std::move(job), 2, chain, unit_.options.contexts, out);
    }
    if (!renamed_.empty())
      for (ir::PlanJob &j : out) {
        std::vector<std::string> needs;
        for (std::string &n : j.needs) {
          auto it = renamed_.find(llvm::StringRef(n).lower());
          if (it == renamed_.end())
            needs.push_back(std::move(n));
          else
            needs.insert(needs.end(), it->second.begin(), it->second.end());
        }
        j.needs = std::move(needs);
      }
    unit_.workflow().jobs = std::move(out);
    unit_.reindex();
  }

private:
  /// A call with a static caller-side matrix becomes one node per leg.
  void handleCall(ir::PlanJob call, unsigned level, std::vector<std::string> &chain,
                  const KnownContexts &known, std::vector<ir::PlanJob> &out) {
    const ir::Job &src = *call.source;
    JobMatrix m = evaluateJobMatrix(src, call.name, known);
    if (m.kind != JobMatrix::Kind::Static) {
      placeCall(std::move(call), level, chain, known, out);
      return;
    }
    if (m.expansion.error) {
      reportMatrixError(*m.expansion.error, *m.token, unit_.diags);
      return;
    }
    ir::PlanStrategy strategy = planStrategy(src, known);
    bool failFast = !strategy.failFast.resolved() || strategy.failFast.constant->truthy();
    std::optional<double> maxParallel;
    if (strategy.maxParallel.resolved() && strategy.maxParallel.constant->isNumber())
      maxParallel = strategy.maxParallel.constant->getNumber();
    auto &legIds = renamed_[llvm::StringRef(call.id).lower()];
    const auto &legs = m.expansion.legs;
    for (size_t i = 0; i < legs.size(); ++i) {
      ir::Value sctx = strategyContext(failFast, i, legs.size(), maxParallel);
      KnownContexts k = known;
      k.set("matrix", legs[i].matrix, true);
      k.set("strategy", sctx, true);
      ir::PlanJob leg = call;
      leg.id = call.id + "." + legs[i].configId;
      leg.name = legName(call, &legs[i], sctx, known);
      leg.strategy = strategy;
      leg.instances = {{leg.id, call.namePrefix + leg.name, legs[i].matrix, legs[i].configId}};
      legIds.push_back(leg.id);
      placeCall(std::move(leg), level, chain, k, out);
    }
  }

  void placeCall(ir::PlanJob call, unsigned level, std::vector<std::string> &chain,
                 const KnownContexts &known, std::vector<ir::PlanJob> &out) {
    const ir::Job &src = *call.source;
    const ir::Workflow *callee = load(call, level, chain);
    if (!callee) {
      out.push_back(std::move(call));
      return;
    }
    checkCallArguments(src, *callee, unit_.diags);
    call.with = resolveCallInputs(src, *callee, known);
    call.inheritSecrets = src.inheritSecrets;
    call.secrets.clear();
    for (const ir::NamedTemplate &s : src.secrets)
      call.secrets.emplace_back(s.name.value, s.value.raw);
    call.outputs.clear();
    if (const ir::Trigger *t = callee->findTrigger("workflow_call"))
      for (const ir::WorkflowOutput &o : t->outputs)
        call.outputs.push_back({o.id, o.value});
    KnownContexts inner = knownForCallee(unit_.options, call);
    std::string prefix = call.namePrefix + call.name + " / ";
    std::string callId = call.id;
    const WorkflowNeeds &wn = needsOf(*callee);
    out.push_back(std::move(call));
    chain.push_back(normalizedPath(out.back().calleePath));
    shown_.push_back(out.back().calleePath);
    for (size_t k = 0; k < callee->jobs.size(); ++k) {
      if (out.size() >= unit_.options.maxJobs) {
        if (!tooBig_)
          unit_.diags.report(ir::DiagKind::ReusableTooManyJobs, src.uses->range, unit_.options.maxJobs);
        tooBig_ = true;
        break;
      }
      const ir::Job &cj = callee->jobs[k];
      ir::PlanJob m = seedJob(cj, *callee, inner);
      m.id = callId + "/" + cj.id.value;
      m.call = callId;
      m.namePrefix = prefix;
      for (uint32_t d : wn.needs[k])
        m.needs.push_back(callId + "/" + callee->jobs[d].id.value);
      if (!m.uses.empty())
        handleCall(std::move(m), level + 1, chain, inner, out);
      else
        out.push_back(std::move(m));
    }
    chain.pop_back();
    shown_.pop_back();
  }

  /// Loads the callee of `call`, checking the limits; null when there are no members.
  const ir::Workflow *load(ir::PlanJob &call, unsigned level, const std::vector<std::string> &chain) {
    const ir::Job &src = *call.source;
    const ir::SourceRange at = src.uses ? src.uses->range : src.range;
    unsigned max = unit_.options.maxNestingDepth;
    if (level > max) {
      unit_.diags.report(ir::DiagKind::ReusableNesting, at, max, shown_.back(), call.uses, level, max);
      return nullptr;
    }
    WorkflowLoader::Result r = unit_.loader.load(call.uses);
    if (unit_.loader.loadedCount() > unit_.options.maxReusableWorkflows) {
      if (!tooMany_)
        unit_.diags.report(ir::DiagKind::ReusableTooMany, at, unit_.loader.loadedCount(),
                           unit_.options.maxReusableWorkflows);
      tooMany_ = true;
      return nullptr;
    }
    WorkflowRef ref = WorkflowRef::parse(call.uses);
    switch (r.status) {
    case WorkflowLoader::Status::Invalid:
      return nullptr; // reported by lowering
    case WorkflowLoader::Status::NotFound: {
      auto &d = unit_.diags.report(ir::DiagKind::SchemaReusableNotFound, at, call.uses);
      const std::string &root = unit_.loader.options().repoRoot;
      if (root.empty())
        d.note({}, "the file is in no repository; set one with --repo-root DIR");
      else
        d.note({}, "looked for " + root + "/" + ref.path + " (the repository is set with --repo-root DIR)");
      return nullptr;
    }
    case WorkflowLoader::Status::Symbolic:
      unit_.diags.report(ir::DiagKind::ReusableSymbolic, at, call.uses, ref.owner, ref.repo, ref.ref,
                         ref.path);
      return nullptr;
    case WorkflowLoader::Status::Loaded:
      break;
    }
    std::string key = normalizedPath(r.path);
    if (auto it = std::find(chain.begin(), chain.end(), key); it != chain.end()) {
      std::string path;
      for (size_t i = size_t(it - chain.begin()); i < chain.size(); ++i)
        path += shown_[i] + " -> ";
      unit_.diags.report(ir::DiagKind::ReusableCycle, at, path + r.path);
      return nullptr;
    }
    call.calleePath = r.path;
    return r.workflow;
  }

  const WorkflowNeeds &needsOf(const ir::Workflow &wf) {
    auto it = needsCache_.find(&wf);
    if (it == needsCache_.end())
      it = needsCache_.emplace(&wf, resolveWorkflowNeeds(wf, unit_.diags)).first;
    return it->second;
  }

  CompileUnit &unit_;
  std::map<const ir::Workflow *, WorkflowNeeds> needsCache_;
  llvm::StringMap<std::vector<std::string>> renamed_; ///< call id (lower) -> leg call ids
  std::vector<std::string> shown_; ///< the call chain as the user names the files
  bool tooMany_ = false, tooBig_ = false;
};

} // namespace

PreservedAnalyses InlineReusablePass::run(CompileUnit &unit, CompileAnalysisManager &am) {
  bool calls = false;
  for (const ir::PlanJob &j : unit.workflow().jobs)
    calls |= !j.uses.empty() && j.call.empty() && j.calleePath.empty();
  if (!calls)
    return PreservedAnalyses::all(); // nothing to inline: the plan and its graph stay
  Inliner(unit).run();
  am.invalidate(PreservedAnalyses::none());
  recordJobGraph(unit, am);
  return PreservedAnalyses::none().preserve<JobGraphAnalysis>().preserve<RedundantNeedsAnalysis>();
}

} // namespace passes
