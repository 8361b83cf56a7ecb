// Pass manager: lazy cached analyses, invalidation, stop on error, hooks.
#include "passes/pass_manager.h"

#include <gtest/gtest.h>

using namespace passes;

namespace {

struct ToyUnit {
  std::vector<int> values;
};
using AM = AnalysisManager<ToyUnit>;

int sumRuns = 0;
struct SumAnalysis {
  static AnalysisKey Key;
  using Result = int;
  static int run(ToyUnit &u, AM &) {
    ++sumRuns;
    int s = 0;
    for (int v : u.values)
      s += v;
    return s;
  }
};
AnalysisKey SumAnalysis::Key;

struct AppendPass : Pass<ToyUnit> {
  llvm::StringRef name() const override { return "append"; }
  PreservedAnalyses run(ToyUnit &u, AM &) override {
    u.values.push_back(1);
    return PreservedAnalyses::none();
  }
};
struct ReadSumPass : Pass<ToyUnit> {
  int seen = -1;
  llvm::StringRef name() const override { return "read-sum"; }
  PreservedAnalyses run(ToyUnit &u, AM &am) override {
    seen = am.getResult<SumAnalysis>(u);
    return PreservedAnalyses::all();
  }
};
struct FailPass : Pass<ToyUnit> {
  llvm::StringRef name() const override { return "fail"; }
  PreservedAnalyses run(ToyUnit &, AM &am) override {
    am.diags().add(ir::DiagKind::YamlSyntax, {}, "broken");
    return PreservedAnalyses::all();
  }
};

} // namespace

// An analysis runs once until a pass that does not preserve it runs.
TEST(PassManager, AnalysesAreCachedUntilInvalidated) {
  ir::DiagnosticEngine diags;
  AM am(diags);
  ToyUnit u{{2, 3}};
  sumRuns = 0;
  PassManager<ToyUnit> pm;
  auto r1 = std::make_unique<ReadSumPass>();
  auto *first = r1.get();
  pm.add(std::move(r1));
  pm.add(std::make_unique<ReadSumPass>());
  pm.add(std::make_unique<AppendPass>());
  auto r3 = std::make_unique<ReadSumPass>();
  auto *last = r3.get();
  pm.add(std::move(r3));
  EXPECT_TRUE(pm.run(u, am));
  EXPECT_EQ(first->seen, 5);
  EXPECT_EQ(last->seen, 6);
  EXPECT_EQ(sumRuns, 2);
}

// A pass that reports an error stops the pipeline after it; hooks see each pass.
TEST(PassManager, StopsAfterAPassThatReportsErrors) {
  ir::DiagnosticEngine diags;
  AM am(diags);
  ToyUnit u;
  PassManager<ToyUnit> pm;
  pm.add(std::make_unique<FailPass>());
  pm.add(std::make_unique<AppendPass>());
  std::vector<std::string> seen;
  pm.setAfterPassHook([&](llvm::StringRef n, ToyUnit &) { seen.push_back(n.str()); });
  pm.setTimePasses(true);
  EXPECT_FALSE(pm.run(u, am));
  EXPECT_TRUE(u.values.empty());
  EXPECT_EQ(seen, std::vector<std::string>{"fail"});
  ASSERT_EQ(pm.timings().size(), 1u);
  std::string table;
  llvm::raw_string_ostream os(table);
  printPassTimings(os, pm.timings());
  EXPECT_NE(os.str().find("fail"), std::string::npos);
}
