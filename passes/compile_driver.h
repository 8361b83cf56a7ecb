/// \file
/// Runs the compile pipeline on a workflow file: lowering, then the passes
/// (the default pipeline or a `--passes` list), with the `--print-after`,
/// `--print-after-all` and `--time-passes` hooks. ci-compile, the benchmarks
/// and the tests all compile through here.
///
/// Lowering errors stop before the passes (the plan stays the seed); a pass
/// that reports errors stops the pipeline after it.
#pragma once

#include "passes/compile_unit.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace passes {

struct PipelineOptions {
  std::vector<std::string> passes;     ///< empty = defaultPipeline()
  std::vector<std::string> printAfter; ///< pass names to dump after
  bool printAfterAll = false;
  bool timePasses = false;
  /// Where dumps go (stderr when null).
  llvm::raw_ostream *dumpStream = nullptr;
};

struct CompileResult {
  std::unique_ptr<CompileUnit> unit;
  std::vector<PassTiming> timings; ///< with --time-passes: lowering first, then each pass
  bool completed = false;          ///< every pass ran (none stopped the pipeline)
};

/// Lowers file `file` of `sm` and runs the pipeline. Fails only for an
/// unknown pass name; problems in the files are diagnostics.
llvm::Expected<CompileResult> compileFile(ir::SourceManager &sm, ir::FileId file,
                                          ir::DiagnosticEngine &diags, CompileOptions opts,
                                          const PipelineOptions &pipeline = {});

/// The dump printed after a pass: `{"after": PASS, "ir": <IR JSON of the root
/// workflow>, "plan": <the plan so far>}`.
std::string dumpUnit(const CompileUnit &unit, llvm::StringRef pass);

/// Reads `--durations FILE.json`: an object of job id -> minutes (a number),
/// or `{"jobs": {...}}` of the same.
llvm::Expected<llvm::StringMap<double>> readDurations(llvm::StringRef path);

/// Reads `--contexts FILE.json`: an object of context name -> value
/// (`{"github": {"event_name": "push"}, "vars": {...}}`); given contexts are
/// partial (members not given stay unknown).
llvm::Expected<KnownContexts> readKnownContexts(llvm::StringRef path);

} // namespace passes
