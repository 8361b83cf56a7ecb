// Helpers for pass tests: compile workflow text through the pipeline and inspect the plan.
#pragma once

#include "ir/diagnostic_render.h"
#include "ir/plan_json.h"
#include "passes/compile_driver.h"
#include "passes/job_graph_analysis.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace passtest {

struct Compiled {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  std::unique_ptr<passes::CompileUnit> unit;
  bool completed = false;

  const ir::PlanWorkflow &plan() const { return unit->workflow(); }
  const ir::PlanJob *job(llvm::StringRef id) const { return plan().findJob(id); }
  /// Ids of the plan's jobs in order.
  std::vector<std::string> jobIds() const {
    std::vector<std::string> out;
    for (const auto &j : plan().jobs)
      out.push_back(j.id);
    return out;
  }
  /// Instance names of a job.
  std::vector<std::string> legNames(llvm::StringRef id) const {
    std::vector<std::string> out;
    if (const ir::PlanJob *j = job(id))
      for (const auto &i : j->instances)
        out.push_back(i.name);
    return out;
  }
  /// Number of diagnostics of a kind name.
  unsigned count(llvm::StringRef kind) const {
    unsigned n = 0;
    for (const auto &d : diags.diagnostics())
      n += d.kindName() == kind;
    return n;
  }
  const ir::Diagnostic *first(llvm::StringRef kind) const {
    for (const auto &d : diags.diagnostics())
      if (d.kindName() == kind)
        return &d;
    return nullptr;
  }
  /// Diagnostics as `file:line:col: severity: message [kind]` lines.
  std::string text() const {
    std::string s;
    llvm::raw_string_ostream os(s);
    ir::RenderOptions ro;
    ro.color = false;
    ro.showSource = false;
    ir::renderHuman(os, sm, diags.diagnostics(), ro);
    return os.str();
  }
  nlohmann::ordered_json json() const { return ir::planToJson(unit->plan); }
};

/// Compiles `yaml` as `name` with the default pipeline (or `passList`).
inline std::unique_ptr<Compiled> compile(const std::string &yaml, passes::CompileOptions opts = {},
                                         std::vector<std::string> passList = {},
                                         const std::string &name = ".github/workflows/w.yml") {
  auto c = std::make_unique<Compiled>();
  ir::FileId id = c->sm.addFile(name, yaml);
  passes::PipelineOptions p;
  p.passes = std::move(passList);
  auto r = passes::compileFile(c->sm, id, c->diags, std::move(opts), p);
  EXPECT_TRUE(bool(r));
  if (!r) {
    llvm::consumeError(r.takeError());
    return c;
  }
  c->unit = std::move(r->unit);
  c->completed = r->completed;
  c->diags.finalize();
  return c;
}

/// Options that supply reusable workflows by reference.
inline passes::CompileOptions withFiles(std::vector<std::pair<std::string, std::string>> files) {
  passes::CompileOptions o;
  o.workflowFiles = std::move(files);
  return o;
}

} // namespace passtest
