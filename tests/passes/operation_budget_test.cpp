// The operation-budget pass: the cost model per execution, partitions under a budget, and agreement with the Lambda package.
#include "passes/operation_budget.h"

#include "test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <random>
#include <set>

using namespace passes;
using nlohmann::json;

namespace {

ir::PlanJob job(std::string id, std::vector<std::string> needs = {}) {
  ir::PlanJob j;
  j.id = j.localId = j.name = std::move(id);
  j.needs = std::move(needs);
  ir::PlanInstance inst;
  inst.id = j.id;
  inst.name = j.name;
  inst.configId = "__default";
  j.instances.push_back(inst);
  j.legs = 1;
  return j;
}

/// A job with `legs` compile-time matrix legs.
ir::PlanJob matrixJob(std::string id, int legs, std::vector<std::string> needs = {}) {
  ir::PlanJob j = job(std::move(id), std::move(needs));
  j.instances.clear();
  for (int i = 0; i < legs; ++i) {
    ir::PlanInstance inst;
    inst.configId = std::to_string(i);
    inst.id = j.id + "." + inst.configId;
    inst.name = j.id + " (" + inst.configId + ")";
    j.instances.push_back(inst);
  }
  j.legs = legs;
  j.strategy.emplace();
  j.strategy->failFast = ir::PlanValue::of(ir::Value::boolean(true));
  j.strategy->maxParallel = ir::PlanValue::of(ir::Value());
  return j;
}

ir::PlanWorkflow workflow(std::vector<ir::PlanJob> jobs) {
  ir::PlanWorkflow wf;
  wf.id = wf.name = "ci";
  wf.jobs = std::move(jobs);
  return wf;
}

ir::PlanWorkflow fanOut(int n) {
  std::vector<ir::PlanJob> jobs;
  for (int i = 0; i < n; ++i)
    jobs.push_back(job("j" + std::to_string(i)));
  return workflow(std::move(jobs));
}

ir::PlanWorkflow chain(int n) {
  std::vector<ir::PlanJob> jobs;
  for (int i = 0; i < n; ++i)
    jobs.push_back(i ? job("j" + std::to_string(i), {"j" + std::to_string(i - 1)}) : job("j0"));
  return workflow(std::move(jobs));
}

int64_t whole(const ir::PlanWorkflow &wf) {
  return estimateExecution(wf, std::vector<bool>(wf.jobs.size(), true), 0, wf.concurrency.has_value());
}

} // namespace

// A fan-out of N: 4 fixed (with the one dispatch wave) + 2 per job.
TEST(OperationBudget, FanOutCostsTwoPerJobPlusFour) {
  EXPECT_EQ(whole(fanOut(1)), 6);
  EXPECT_EQ(whole(workflow({})), 4);
  EXPECT_EQ(whole(fanOut(40)), 2 * 40 + 4);
  EXPECT_EQ(whole(fanOut(1498)), 3000);
}

// A chain of N: every job after the first is dispatched in a wave of its own.
TEST(OperationBudget, ChainCostsThreePerJobPlusThree) {
  EXPECT_EQ(whole(chain(25)), 3 * 25 + 3);
  EXPECT_EQ(whole(chain(999)), 3000);
}

// 12 legs with max-parallel 3 and a job that needs them: 9 + 1 legs start late.
TEST(OperationBudget, MaxParallelAndNeedsAddDispatchWaves) {
  ir::PlanJob test = matrixJob("test", 12);
  test.strategy->maxParallel = ir::PlanValue::of(ir::Value::number(3));
  EXPECT_EQ(whole(workflow({test, job("report", {"test"})})), 4 + 2 * 12 + 2 + 9 + 1);
  // An expression counts as unlimited; a fraction is floored.
  test.strategy->maxParallel = ir::PlanValue::expr("${{ inputs.parallel }}");
  EXPECT_EQ(whole(workflow({test})), 4 + 24);
  test.strategy->maxParallel = ir::PlanValue::of(ir::Value::number(2.5));
  EXPECT_EQ(whole(workflow({test})), 4 + 24 + 10);
  // A matrix expanded at run time counts the 256 legs expand-matrix assumes.
  ir::PlanJob dyn = matrixJob("dyn", 0, {});
  dyn.strategy->dynamicMatrix = "${{ fromJSON(needs.setup.outputs.m) }}";
  dyn.legs = kDefaultSymbolicLegs;
  EXPECT_EQ(whole(workflow({dyn})), 4 + 2 * 256);
}

// Concurrency groups: +1 per instance in a job-level group, +2 for a workflow-level group.
TEST(OperationBudget, ConcurrencyGroupsCostExtra) {
  ir::PlanWorkflow wf = fanOut(2);
  wf.jobs[0].concurrency.emplace();
  wf.jobs[0].concurrency->group = ir::PlanValue::of(ir::Value::string("prod"));
  EXPECT_EQ(whole(wf), 4 + 4 + 1);
  wf.concurrency.emplace();
  wf.concurrency->group = ir::PlanValue::expr("ci-${{ github.ref }}");
  EXPECT_EQ(whole(wf), 4 + 2 + 4 + 1);
}

// A reusable call node costs nothing; its members start in a later wave when the call has needs.
TEST(OperationBudget, CallNodesCostNothing) {
  ir::PlanJob call = job("call", {"pre"});
  call.uses = "./.github/workflows/lib.yml";
  call.instances.clear();
  ir::PlanJob member = job("call/build");
  member.localId = "build";
  member.call = "call";
  EXPECT_EQ(whole(workflow({job("pre"), call, member})), 4 + 2 + 2 + 1);
}

// Jobs with the same prerequisites start in one wave: setup, 10 jobs after it, a final job.
TEST(OperationBudget, JobsWithTheSamePrerequisitesShareAWave) {
  std::vector<ir::PlanJob> jobs{job("setup")};
  std::vector<std::string> mid;
  for (int i = 0; i < 10; ++i) {
    mid.push_back("t" + std::to_string(i));
    jobs.push_back(job(mid.back(), {"setup"}));
  }
  jobs.push_back(job("final", mid));
  EXPECT_EQ(whole(workflow(jobs)), 4 + 2 * 12 + 2);
}

// Under budget: one execution, no partitions.
TEST(OperationBudget, UnderBudgetKeepsOneExecution) {
  ir::PlanWorkflow wf = fanOut(100);
  partitionWorkflow(wf, 3000);
  EXPECT_EQ(wf.estimate, 204);
  EXPECT_TRUE(wf.partitions.empty());
  ASSERT_EQ(executionEstimates(wf).size(), 1u);
  EXPECT_EQ(executionEstimates(wf)[0].id, "main");
}

// 1,600 independent jobs and a final job: split into stages until every execution fits.
TEST(OperationBudget, OverBudgetSplitsEveryExecutionUnderBudget) {
  ir::PlanWorkflow wf = fanOut(1600);
  std::vector<std::string> all;
  for (const auto &j : wf.jobs)
    all.push_back(j.id);
  wf.jobs.push_back(job("final", all));
  partitionWorkflow(wf, 3000);
  ASSERT_FALSE(wf.partitions.empty());
  EXPECT_TRUE(overBudget(wf, 3000).empty());
  std::set<std::string> seen;
  for (const auto &p : wf.partitions) {
    EXPECT_EQ(p.kind, "stage");
    for (const auto &id : p.jobs)
      EXPECT_TRUE(seen.insert(id).second) << id << " is in two partitions";
  }
  EXPECT_EQ(seen.count("final"), 0u) << "the last level stays with the parent once it fits";
  int64_t sum = 0;
  for (const auto &e : executionEstimates(wf))
    sum += e.operations;
  EXPECT_EQ(sum, wf.estimate);
}

// Calls go first (whole), then matrices, largest first.
TEST(OperationBudget, CallsThenMatricesThenStages) {
  ir::PlanJob call = job("call");
  call.uses = "./lib.yml";
  call.instances.clear();
  std::vector<ir::PlanJob> jobs{call};
  for (int i = 0; i < 20; ++i) {
    ir::PlanJob m = job("call/m" + std::to_string(i));
    m.call = "call";
    jobs.push_back(m);
  }
  jobs.push_back(matrixJob("small", 5));
  jobs.push_back(matrixJob("big", 25));
  for (int i = 0; i < 10; ++i)
    jobs.push_back(job("p" + std::to_string(i)));
  ir::PlanWorkflow wf = workflow(jobs);
  partitionWorkflow(wf, 60);
  ASSERT_GE(wf.partitions.size(), 2u);
  EXPECT_EQ(wf.partitions[0].kind, "call");
  EXPECT_EQ(wf.partitions[0].jobs.size(), 20u);
  EXPECT_EQ(wf.partitions[1].kind, "matrix");
  EXPECT_EQ(wf.partitions[1].jobs, std::vector<std::string>{"big"});
  EXPECT_TRUE(overBudget(wf, 60).empty());
}

// ---- the same plans through the Lambda package (backend/lambda/src/plan.js) ----

namespace {

/// Random workflows: DAGs of plain jobs, compile-time and run-time matrices,
/// max-parallel (numbers, fractions, expressions), job and workflow concurrency,
/// reusable calls with members.
ir::PlanWorkflow randomWorkflow(std::mt19937_64 &rng, int index) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  ir::PlanWorkflow wf;
  wf.id = wf.name = "w" + std::to_string(index);
  if (chance(0.2)) {
    wf.concurrency.emplace();
    wf.concurrency->group = ir::PlanValue::expr("ci-${{ github.ref }}");
  }
  int n = chance(0.15) ? pick(150, 700) : pick(1, 60);
  std::vector<std::string> top; // non-member ids, for needs
  for (int i = 0; i < n; ++i) {
    std::string id = "j" + std::to_string(i);
    std::vector<std::string> needs;
    if (!top.empty())
      for (int k = pick(0, 3); k > 0; --k) {
        const std::string &need = top[pick(std::max<int>(0, (int)top.size() - 8), (int)top.size() - 1)];
        if (std::find(needs.begin(), needs.end(), need) == needs.end())
          needs.push_back(need);
      }
    if (chance(0.08)) {
      ir::PlanJob call = job(id, needs);
      call.uses = "./.github/workflows/lib.yml";
      call.instances.clear();
      wf.jobs.push_back(call);
      std::vector<std::string> members;
      for (int m = pick(1, 6); m > 0; --m) {
        ir::PlanJob member = job(id + "/m" + std::to_string(members.size()));
        member.call = id;
        if (!members.empty() && chance(0.5))
          member.needs.push_back(members[pick(0, (int)members.size() - 1)]);
        members.push_back(member.id);
        wf.jobs.push_back(member);
      }
      top.push_back(id);
      continue;
    }
    ir::PlanJob j = job(id, needs);
    if (chance(0.3))
      j = matrixJob(id, pick(2, 40), needs);
    else if (chance(0.05)) {
      j = matrixJob(id, 0, needs);
      j.strategy->dynamicMatrix = "${{ fromJSON(needs.setup.outputs.m) }}";
      j.legs = kDefaultSymbolicLegs;
    }
    if (j.strategy && chance(0.4)) {
      int r = pick(0, 3);
      j.strategy->maxParallel = r == 0   ? ir::PlanValue::expr("${{ inputs.p }}")
                                : r == 1 ? ir::PlanValue::of(ir::Value::number(pick(0, 3) + 0.5))
                                         : ir::PlanValue::of(ir::Value::number(pick(1, 12)));
    }
    if (chance(0.1)) {
      j.concurrency.emplace();
      j.concurrency->group = ir::PlanValue::of(ir::Value::string("g" + std::to_string(pick(0, 3))));
    }
    wf.jobs.push_back(j);
    top.push_back(id);
  }
  return wf;
}

/// The fields of a job the package's estimate reads, in the plan format (docs/lambda-plan.md).
json planJobJson(const ir::PlanJob &j) {
  json out = {{"id", j.id}, {"needs", j.needs}, {"legs", j.legs}};
  if (!j.uses.empty())
    out["uses"] = j.uses;
  if (!j.call.empty())
    out["call"] = j.call;
  if (!j.instances.empty()) {
    json insts = json::array();
    for (const auto &i : j.instances)
      insts.push_back({{"id", i.id}, {"name", i.name}, {"config_id", i.configId}});
    out["instances"] = insts;
  }
  if (j.strategy) {
    json s = json::object();
    const ir::PlanValue &mp = j.strategy->maxParallel;
    if (mp.resolved() && mp.constant->isNumber())
      s["max_parallel"] = mp.constant->getNumber();
    else if (!mp.resolved())
      s["max_parallel"] = mp.expression;
    if (!j.strategy->dynamicMatrix.empty())
      s["matrix"] = j.strategy->dynamicMatrix;
    out["strategy"] = s;
  }
  if (j.concurrency)
    out["concurrency"] = {{"group", j.concurrency->group.resolved() ? j.concurrency->group.constant->getString().str()
                                                                    : j.concurrency->group.expression}};
  return out;
}

json planJson(const std::vector<ir::PlanWorkflow> &wfs, int64_t budget) {
  json workflows = json::array();
  for (const auto &wf : wfs) {
    json jobs = json::array();
    for (const auto &j : wf.jobs)
      jobs.push_back(planJobJson(j));
    json w = {{"id", wf.id}, {"jobs", jobs}};
    if (wf.concurrency)
      w["concurrency"] = {{"group", wf.concurrency->group.expression}};
    workflows.push_back(w);
  }
  return {{"version", 1}, {"op_budget", budget}, {"workflows", workflows}};
}

/// Runs the package's estimate-plan CLI over `plan`; its stdout parsed, or null with `error` set.
/// `overBudget` is set when the CLI exits 1 after writing the plan (an execution stays over budget).
json runPackage(const json &plan, std::string &error, bool &overBudget) {
  std::string dir = testing::TempDir();
  std::string in = dir + "/operation_budget_plan.json";
  std::string err = dir + "/operation_budget_plan.err";
  std::ofstream(in) << plan.dump();
  std::string cmd = "node " + std::string(CI_SOURCE_DIR) + "/backend/lambda/bin/estimate-plan.js " + in + " 2>" + err;
  FILE *p = popen(cmd.c_str(), "r");
  if (!p) {
    error = "cannot run " + cmd;
    return nullptr;
  }
  std::string out;
  char buf[65536];
  for (size_t got; (got = fread(buf, 1, sizeof buf, p)) > 0;)
    out.append(buf, got);
  int status = pclose(p);
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  json parsed = json::parse(out, nullptr, false);
  overBudget = rc == 1;
  if ((rc != 0 && rc != 1) || parsed.is_discarded()) {
    error = "estimate-plan failed (status " + std::to_string(status) + "): " + testutil::readFile(err).substr(0, 2000) +
            out.substr(0, 2000);
    return nullptr;
  }
  return parsed;
}

bool haveNode() { return std::system("node --version >/dev/null 2>&1") == 0; }

} // namespace

// 400 generated workflows under four budgets: the C++ pass and the package agree on every
// estimate, every partition (id, kind, jobs in order), every execution's operations, and
// whether some execution stays over budget.
TEST(OperationBudget, AgreesWithTheLambdaPackageOnGeneratedPlans) {
  if (!haveNode())
    GTEST_SKIP() << "node not found: install nodejs to compare with backend/lambda";
  std::mt19937_64 rng(20240607);
  int compared = 0, partitioned = 0;
  for (int64_t budget : {40, 120, 600, 3000}) {
    std::vector<ir::PlanWorkflow> wfs;
    for (int i = 0; i < 100; ++i)
      wfs.push_back(randomWorkflow(rng, i));
    std::string error;
    bool packageOver = false;
    json got = runPackage(planJson(wfs, budget), error, packageOver);
    ASSERT_FALSE(got.is_null()) << error;
    bool over = false;
    ASSERT_EQ(got["workflows"].size(), wfs.size());
    for (size_t w = 0; w < wfs.size(); ++w) {
      ir::PlanWorkflow &wf = wfs[w];
      partitionWorkflow(wf, budget);
      const json &js = got["workflows"][w];
      SCOPED_TRACE("budget " + std::to_string(budget) + ", workflow " + wf.id + " (" +
                   std::to_string(wf.jobs.size()) + " jobs)");
      EXPECT_EQ(js["estimate"]["operations"].get<int64_t>(), wf.estimate);
      ASSERT_EQ(js["partitions"].size(), wf.partitions.size());
      for (size_t p = 0; p < wf.partitions.size(); ++p) {
        EXPECT_EQ(js["partitions"][p]["id"].get<std::string>(), wf.partitions[p].id);
        EXPECT_EQ(js["partitions"][p]["kind"].get<std::string>(), wf.partitions[p].kind);
        EXPECT_EQ(js["partitions"][p]["jobs"].get<std::vector<std::string>>(), wf.partitions[p].jobs);
        EXPECT_EQ(js["partitions"][p]["estimate"].get<int64_t>(), wf.partitions[p].estimate);
      }
      auto execs = executionEstimates(wf);
      ASSERT_EQ(js["estimate"]["executions"].size(), execs.size());
      for (size_t e = 0; e < execs.size(); ++e) {
        EXPECT_EQ(js["estimate"]["executions"][e]["id"].get<std::string>(), execs[e].id);
        EXPECT_EQ(js["estimate"]["executions"][e]["operations"].get<int64_t>(), execs[e].operations);
      }
      ++compared;
      partitioned += !wf.partitions.empty();
      over = over || !passes::overBudget(wf, budget).empty();
    }
    // The CLI exits 1 exactly when some execution stays over budget.
    EXPECT_EQ(packageOver, over) << "budget " << budget;
  }
  std::printf("operation budget: %d workflows compared with the package, %d of them partitioned\n", compared,
              partitioned);
  EXPECT_GT(partitioned, 100) << "the generator should exercise partitioning";
}
