// Every real workflow of the corpus compiled for Lambda: each execution fits the operation budget, or the workflow is partitioned until it does.
#include "passes/compile_driver.h"
#include "passes/operation_budget.h"
#include "passes/pass_registry.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> corpusWorkflows() {
  std::vector<fs::path> files;
  fs::path corpus = testutil::sharedDir() / "corpus/real";
  for (const auto &e : fs::recursive_directory_iterator(corpus)) {
    std::string p = e.path().string();
    if (e.is_regular_file() && p.find("/.github/workflows/") != std::string::npos &&
        (e.path().extension() == ".yml" || e.path().extension() == ".yaml"))
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Tally {
  unsigned files = 0, compiled = 0, withErrors = 0, partitioned = 0, budgetErrors = 0;
  unsigned executions = 0, overBudget = 0;
  int64_t jobs = 0, instances = 0, largestEstimate = 0, largestExecution = 0;
  std::string largestFile, report;
};

/// Compiles every corpus workflow as `ci-compile --emit=lambda-plan --op-budget budget` does.
Tally compileCorpus(int64_t budget) {
  Tally t;
  fs::path corpus = testutil::sharedDir() / "corpus/real";
  std::vector<std::string> pipeline = passes::defaultPipeline();
  pipeline.push_back("operation-budget");
  for (const fs::path &f : corpusWorkflows()) {
    ++t.files;
    ir::SourceManager sm;
    ir::DiagnosticEngine diags;
    ir::FileId id = sm.addFile(f.string(), testutil::readFile(f));
    passes::CompileOptions opts;
    opts.opBudget = budget;
    passes::PipelineOptions p;
    p.passes = pipeline;
    auto res = passes::compileFile(sm, id, diags, opts, p);
    if (!res) {
      llvm::consumeError(res.takeError());
      ++t.withErrors;
      continue;
    }
    bool budgetError = false;
    for (const auto &d : diags.diagnostics())
      budgetError = budgetError || d.kindName() == "operation-budget";
    if (budgetError)
      ++t.budgetErrors;
    if (diags.hasErrors() && !budgetError) {
      ++t.withErrors;
      continue;
    }
    ++t.compiled;
    std::string rel = fs::relative(f, corpus).string();
    for (const ir::PlanWorkflow &wf : res->unit->plan.workflows) {
      if (!wf.partitions.empty())
        ++t.partitioned;
      for (const ir::PlanJob &j : wf.jobs)
        if (j.uses.empty()) {
          ++t.jobs;
          t.instances += passes::jobLegs(j);
        }
      if (wf.estimate > t.largestEstimate) {
        t.largestEstimate = wf.estimate;
        t.largestFile = rel;
      }
      for (const passes::ExecutionEstimate &e : passes::executionEstimates(wf)) {
        ++t.executions;
        t.largestExecution = std::max(t.largestExecution, e.operations);
        if (e.operations > budget) {
          ++t.overBudget;
          if (!budgetError)
            t.report += "\n  " + rel + ": execution " + e.id + " needs " + std::to_string(e.operations) +
                        " operations, over " + std::to_string(budget) + ", and no operation-budget error";
        }
      }
    }
  }
  return t;
}

void print(const Tally &t, int64_t budget) {
  std::cout << "lambda plans of the corpus, budget " << budget << ": " << t.files << " workflows, " << t.compiled
            << " compiled (" << t.withErrors << " with compile errors), " << t.jobs << " jobs, " << t.instances
            << " job instances; " << t.partitioned << " partitioned, " << t.executions << " executions, "
            << t.overBudget << " over budget (" << t.budgetErrors
            << " operation-budget errors); largest workflow estimate " << t.largestEstimate << " ("
            << t.largestFile << "), largest execution " << t.largestExecution << "\n";
}

} // namespace

TEST(OperationBudgetCorpus, EveryRealWorkflowFitsTheDefaultBudget) {
  REQUIRE_SHARED();
  Tally t = compileCorpus(passes::kDefaultOperationBudget);
  print(t, passes::kDefaultOperationBudget);
  ASSERT_GT(t.files, 500u);
  EXPECT_GE(t.compiled, t.files * 95 / 100) << "most real workflows compile";
  EXPECT_EQ(t.overBudget, 0u) << t.report;
  EXPECT_EQ(t.budgetErrors, 0u);
  EXPECT_LE(t.largestExecution, passes::kDefaultOperationBudget);
}

// With a small budget many real workflows must be split; every execution then
// fits, except a single matrix job or reusable call larger than the budget,
// which ci-compile reports as an operation-budget error.
TEST(OperationBudgetCorpus, UnderASmallBudgetRealWorkflowsArePartitionedUntilEachExecutionFits) {
  REQUIRE_SHARED();
  constexpr int64_t kBudget = 60;
  Tally t = compileCorpus(kBudget);
  print(t, kBudget);
  EXPECT_GE(t.partitioned, 20u) << "the corpus has workflows over 60 operations";
  EXPECT_TRUE(t.report.empty()) << t.report;
}
