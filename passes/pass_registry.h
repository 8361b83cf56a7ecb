/// \file
/// The registry of compile passes: every pass registers a CLI name, a one-line
/// description and a factory, and the default pipeline is listed once, here
/// (`defaultPipeline()`). A pipeline string is a comma-separated list of
/// names (`resolve-needs,expand-matrix`).
///
/// Passes added elsewhere (e.g. the Lambda backend's `operation-budget`)
/// call `registerPass` before the pipeline is built and, to run by default,
/// `appendToDefaultPipeline`:
///
///     static const bool registered = [] {
///       passes::registerPass("operation-budget", "estimate durable operations",
///                            [] { return std::make_unique<OperationBudgetPass>(); });
///       passes::appendToDefaultPipeline("operation-budget");
///       return true;
///     }();
///
/// (a static registration lives in a library object file that the tool must
/// reference; `registerBuiltinPasses()` is the explicit form for ours).
#pragma once

#include "passes/compile_unit.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace passes {

using PassFactory = std::function<std::unique_ptr<CompilePass>()>;

struct PassInfo {
  std::string name;        ///< CLI name, e.g. "expand-matrix"
  std::string description; ///< one line for --help and docs
  PassFactory create;
};

/// Registers (or replaces) a pass.
void registerPass(std::string name, std::string description, PassFactory create);
/// Every registered pass, in registration order (the built-in ones first).
std::vector<PassInfo> registeredPasses();
/// The registered pass named `name`, or null.
const PassInfo *findPass(llvm::StringRef name);

/// The pass names run when no --passes is given, in order.
std::vector<std::string> defaultPipeline();
/// Adds a registered pass at the end of the default pipeline.
void appendToDefaultPipeline(std::string name);

/// Splits a pipeline string and checks every name; an unknown name is an
/// error that lists the registered ones (with a suggestion).
llvm::Expected<std::vector<std::string>> parsePipeline(llvm::StringRef text);
/// A pass manager holding the named passes.
llvm::Expected<CompilePassManager> buildPipeline(const std::vector<std::string> &names);

} // namespace passes
