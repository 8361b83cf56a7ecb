// ci-compile: compiles a workflow (or action.yml) to IR JSON, the plan, DOT/SVG/PNG or GitHub's template JSON.
#include "backend/github_template.h"
#include "backend/graph_dot.h"
#include "backend/lambda_plan.h"
#include "frontend/action_metadata.h"
#include "frontend/lower_workflow.h"
#include "ir/diagnostic_render.h"
#include "ir/ir_json.h"
#include "ir/plan_json.h"
#include "passes/compile_driver.h"
#include "passes/pass_registry.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/PrintPasses.h"
#include "llvm/Pass.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <unistd.h>

namespace cl = llvm::cl;

namespace {

enum class Emit { Ir, Plan, LambdaPlan, Dot, Svg, Png, GithubTemplate };
enum class DiagFormat { Human, Json };
enum class InputKind { Auto, Workflow, Action };

cl::OptionCategory category("ci-compile options");

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<FILE|->"),
                               cl::cat(category));
cl::opt<Emit> emit("emit", cl::desc("What to write (default: ir)"), cl::init(Emit::Ir),
                   cl::values(clEnumValN(Emit::Ir, "ir", "versioned IR JSON (docs/ir.md)"),
                              clEnumValN(Emit::Plan, "plan",
                                         "the resolved plan the runtimes run (docs/plan.md)"),
                              clEnumValN(Emit::LambdaPlan, "lambda-plan",
                                         "the plan with the operation estimate and partitions of "
                                         "each Lambda execution (docs/lambda-plan.md); -o DIR "
                                         "writes DIR/<workflow>.lambda-plan.json"),
                              clEnumValN(Emit::Dot, "dot", "the job graph as Graphviz DOT"),
                              clEnumValN(Emit::Svg, "svg", "the job graph rendered as SVG"),
                              clEnumValN(Emit::Png, "png", "the job graph rendered as PNG"),
                              clEnumValN(Emit::GithubTemplate, "github-template",
                                         "GitHub's converted workflow template JSON, or "
                                         "{\"errors\":[...]} for invalid input")),
                   cl::cat(category));
cl::opt<std::string> output("o", cl::desc("Write the output to <OUT> instead of stdout"),
                            cl::value_desc("OUT"), cl::init("-"), cl::cat(category));
cl::opt<unsigned> opBudget("op-budget",
                           cl::desc("Durable operations allowed per Lambda execution, for the "
                                    "operation-budget pass (default 3000)"),
                           cl::init(3000), cl::cat(category));
cl::opt<DiagFormat> diagFormat(
    "diagnostics-format", cl::desc("How diagnostics are printed on stderr (default: human)"),
    cl::init(DiagFormat::Human),
    cl::values(clEnumValN(DiagFormat::Human, "human",
                          "file:line:col: severity: message [kind], the line and a caret"),
               clEnumValN(DiagFormat::Json, "json", "a JSON array of diagnostics")),
    cl::cat(category));

cl::list<std::string> workflowFiles(
    "workflow-file",
    cl::desc("Supply a reusable workflow: REF is the text after 'uses:' "
             "(./.github/workflows/x.yml or owner/repo/.github/workflows/x.yml@ref); "
             "repeatable; takes precedence over --repo-root and --workflow-cache"),
    cl::value_desc("REF=FILE"), cl::cat(category));
cl::opt<InputKind> inputKind(
    "input-kind", cl::desc("What the input is (default: auto, action.yml/action.yaml are actions)"),
    cl::init(InputKind::Auto),
    cl::values(clEnumValN(InputKind::Auto, "auto", "decide from the file name"),
               clEnumValN(InputKind::Workflow, "workflow", "a workflow file"),
               clEnumValN(InputKind::Action, "action", "action metadata (action.yml)")),
    cl::cat(category));
cl::opt<std::string> stdinName("stdin-filename",
                               cl::desc("File name to report for input read from stdin"),
                               cl::init("<stdin>"), cl::cat(category));
cl::opt<std::string> passList(
    "passes", cl::desc("Run these passes, in this order, instead of the default pipeline "
                       "(see --list-passes)"),
    cl::value_desc("a,b,..."), cl::cat(category));
cl::opt<bool> listPasses("list-passes",
                         cl::desc("List the passes and the default pipeline, then exit"),
                         cl::cat(category));
cl::opt<bool> criticalPath("critical-path",
                           cl::desc("Highlight the critical path in --emit=dot|svg|png"),
                           cl::cat(category));
cl::opt<std::string> durationsFile(
    "durations",
    cl::desc("Minutes per job for the critical path: a JSON object of job id -> minutes "
             "(default: each job's timeout-minutes)"),
    cl::value_desc("FILE.json"), cl::cat(category));
cl::opt<std::string> contextsFile(
    "contexts",
    cl::desc("Contexts known at compile time, e.g. {\"github\": {\"event_name\": \"push\"}}: "
             "conditions, concurrency groups and matrices that read only these are resolved"),
    cl::value_desc("FILE.json"), cl::cat(category));
cl::opt<std::string> repoRoot(
    "repo-root",
    cl::desc("Repository root for ./.github/workflows/ calls (default: the repository "
             "holding FILE)"),
    cl::value_desc("DIR"), cl::cat(category));
cl::opt<std::string> workflowCache(
    "workflow-cache",
    cl::desc("Where remote reusable workflows are read: DIR/owner/repo@ref/<path> "
             "(others stay symbolic)"),
    cl::value_desc("DIR"), cl::cat(category));
cl::opt<unsigned> maxFileSize("max-file-size",
                              cl::desc("Largest input accepted, in bytes (default: 1 MiB, as GitHub)"),
                              cl::init(1u << 20), cl::cat(category));

// LLVM's own --color option (registered by its support library), shown in our help.
cl::boolOrDefault colorSetting = cl::BOU_UNSET;

/// Shows an option LLVM's libraries register in our help, with our wording.
void adoptLlvmOption(llvm::StringRef name, llvm::StringRef desc, llvm::StringRef valueDesc = "") {
  auto &all = cl::getRegisteredOptions();
  auto it = all.find(name);
  if (it == all.end())
    return;
  it->second->setDescription(desc);
  if (!valueDesc.empty())
    it->second->setValueStr(valueDesc);
  it->second->setHiddenFlag(cl::NotHidden);
  // (addCategory would read Categories[0]; replace the list instead.)
  it->second->Categories.assign(1, &category);
}

// --print-after, --print-after-all and --time-passes are LLVM's options
// (registered by its IR library, read through its API): the same spelling
// and behaviour as opt's, applied to our passes.
void adoptOptions() {
  adoptLlvmOption("color", "Colour human diagnostics (default: only when stderr is a tty)");
  adoptLlvmOption("print-after",
                  "Print the IR and the plan so far (JSON, on stderr) after PASS; repeatable",
                  "PASS");
  adoptLlvmOption("print-after-all", "Print the IR and the plan so far after every pass");
  adoptLlvmOption("time-passes", "Print the wall time of lowering and of each pass on stderr");
}

void readColorOption() {
  auto &all = cl::getRegisteredOptions();
  auto it = all.find("color");
  if (it != all.end())
    colorSetting = static_cast<cl::opt<cl::boolOrDefault> *>(it->second)->getValue();
}

constexpr int kExitOk = 0, kExitErrors = 1, kExitUsage = 2, kExitInternal = 3;

llvm::Expected<std::string> readInput(llvm::StringRef path) {
  auto buf = path == "-" ? llvm::MemoryBuffer::getSTDIN() : llvm::MemoryBuffer::getFile(path);
  if (!buf)
    return llvm::createStringError(buf.getError(), "cannot read '%s': %s", path.str().c_str(),
                                   buf.getError().message().c_str());
  return (*buf)->getBuffer().str();
}

int writeOutput(llvm::StringRef data) {
  std::error_code ec;
  llvm::raw_fd_ostream os(output, ec, llvm::sys::fs::OF_None);
  if (ec) {
    llvm::errs() << "ci-compile: cannot write '" << output << "': " << ec.message() << "\n";
    return kExitInternal;
  }
  os << data;
  os.flush();
  if (os.has_error()) {
    llvm::errs() << "ci-compile: write to '" << output << "' failed\n";
    os.clear_error();
    return kExitInternal;
  }
  return kExitOk;
}

void printDiagnostics(const ir::SourceManager &sm, ir::DiagnosticEngine &diags) {
  diags.finalize();
  if (diagFormat == DiagFormat::Json) {
    llvm::errs() << ir::diagnosticsToJson(sm, diags.diagnostics()).dump(2) << "\n";
    return;
  }
  ir::RenderOptions ro;
  ro.color = colorSetting == cl::BOU_TRUE ||
             (colorSetting == cl::BOU_UNSET && llvm::sys::Process::StandardErrHasColors());
  ir::renderHuman(llvm::errs(), sm, diags.diagnostics(), ro);
}

} // namespace

int main(int argc, char **argv) {
  adoptOptions();
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "ci-compile: compile a GitHub Actions workflow (or action.yml)\n\n"
          "  Reads FILE (or stdin with '-'), reports diagnostics on stderr and writes the\n"
          "  chosen output. Exit status: 0 no errors, 1 errors reported, 2 usage error,\n"
          "  3 internal failure.\n",
          &llvm::errs()))
    return kExitUsage;
  readColorOption();

  if (listPasses) {
    auto pipeline = passes::defaultPipeline();
    for (const passes::PassInfo &p : passes::registeredPasses()) {
      bool dflt = std::find(pipeline.begin(), pipeline.end(), p.name) != pipeline.end();
      llvm::outs() << llvm::format("  %-24s %s%s\n", p.name.c_str(), p.description.c_str(),
                                   dflt ? "" : " (not in the default pipeline)");
    }
    llvm::outs() << "default pipeline: " << llvm::join(pipeline, ",") << "\n";
    return kExitOk;
  }

  if (inputPath.empty()) {
    llvm::errs() << "ci-compile: no input file (FILE, or - for stdin); see --help\n";
    return kExitUsage;
  }

  passes::PipelineOptions pipeline;
  if (!passList.empty()) {
    auto names = passes::parsePipeline(passList);
    if (!names) {
      llvm::errs() << "ci-compile: --passes: " << llvm::toString(names.takeError()) << "\n";
      return kExitUsage;
    }
    pipeline.passes = std::move(*names);
  }
  for (const std::string &p : llvm::printAfterPasses()) {
    if (!passes::findPass(p)) {
      llvm::errs() << "ci-compile: --print-after: unknown pass '" << p
                   << "' (see --list-passes)\n";
      return kExitUsage;
    }
    pipeline.printAfter.push_back(p);
  }
  if (emit == Emit::LambdaPlan) {
    if (pipeline.passes.empty())
      pipeline.passes = passes::defaultPipeline();
    if (std::find(pipeline.passes.begin(), pipeline.passes.end(), "operation-budget") == pipeline.passes.end())
      pipeline.passes.push_back("operation-budget");
  }
  if (opBudget == 0) {
    llvm::errs() << "ci-compile: --op-budget must be at least 1\n";
    return kExitUsage;
  }
  pipeline.printAfterAll = llvm::shouldPrintAfterAll();
  pipeline.timePasses = llvm::TimePassesIsEnabled;

  passes::CompileOptions copts;
  copts.repoRoot = repoRoot;
  copts.opBudget = opBudget;
  copts.workflowCache = workflowCache;
  if (!durationsFile.empty()) {
    auto d = passes::readDurations(durationsFile);
    if (!d) {
      llvm::errs() << "ci-compile: --durations: " << llvm::toString(d.takeError()) << "\n";
      return kExitUsage;
    }
    copts.durations = std::move(*d);
  }
  if (!contextsFile.empty()) {
    auto k = passes::readKnownContexts(contextsFile);
    if (!k) {
      llvm::errs() << "ci-compile: --contexts: " << llvm::toString(k.takeError()) << "\n";
      return kExitUsage;
    }
    copts.contexts = std::move(*k);
  }

  for (const std::string &spec : workflowFiles) {
    auto [ref, path] = llvm::StringRef(spec).split('=');
    if (ref.empty() || path.empty()) {
      llvm::errs() << "ci-compile: --workflow-file expects REF=FILE, got '" << spec << "'\n";
      return kExitUsage;
    }
  }

  auto text = readInput(inputPath);
  if (!text) {
    llvm::errs() << "ci-compile: " << llvm::toString(text.takeError()) << "\n";
    return kExitUsage;
  }
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  std::string name = inputPath == "-" ? stdinName.getValue() : inputPath.getValue();
  ir::FileId file = sm.addFile(name, std::move(*text));
  frontend::LowerOptions opts;
  opts.yaml.maxFileSize = maxFileSize;

  bool isAction = inputKind == InputKind::Action ||
                  (inputKind == InputKind::Auto && frontend::isActionMetadataPath(name));
  std::string out;
  if (isAction) {
    if (emit != Emit::Ir) {
      llvm::errs() << "ci-compile: action metadata supports only --emit=ir\n";
      return kExitUsage;
    }
    ir::Action action = frontend::compileAction(sm, file, diags, opts);
    out = ir::writeActionJson(action);
  } else if (emit == Emit::GithubTemplate) {
    // GitHub's converter, without the passes: the file name it prints is the
    // path from .github/workflows/ on.
    ir::Workflow wf = frontend::compileWorkflow(sm, file, diags, opts);
    passes::LoaderOptions lo;
    lo.repoRoot = repoRoot.empty() ? passes::repositoryRootOf(name) : repoRoot.getValue();
    lo.workflowCache = workflowCache;
    backend::GithubTemplateEmitter em(sm, diags, opts, lo);
    for (const std::string &spec : workflowFiles) {
      auto [ref, path] = llvm::StringRef(spec).split('=');
      auto wtext = readInput(path);
      if (!wtext) {
        llvm::errs() << "ci-compile: " << llvm::toString(wtext.takeError()) << "\n";
        return kExitUsage;
      }
      em.addWorkflowFile(ref.str(), std::move(*wtext));
    }
    out = em.emit(wf).dump(2) + "\n";
  } else {
    copts.lower = opts;
    for (const std::string &spec : workflowFiles) {
      auto [ref, path] = llvm::StringRef(spec).split('=');
      auto wtext = readInput(path);
      if (!wtext) {
        llvm::errs() << "ci-compile: " << llvm::toString(wtext.takeError()) << "\n";
        return kExitUsage;
      }
      copts.workflowFiles.emplace_back(ref.str(), std::move(*wtext));
    }
    auto result = passes::compileFile(sm, file, diags, std::move(copts), pipeline);
    if (!result) {
      llvm::errs() << "ci-compile: " << llvm::toString(result.takeError()) << "\n";
      return kExitUsage;
    }
    passes::CompileUnit &unit = *result->unit;
    if (pipeline.timePasses)
      passes::printPassTimings(llvm::errs(), result->timings);
    backend::PlanGraphOptions gopts;
    gopts.criticalPath = criticalPath;
    switch (emit) {
    case Emit::Ir:
      out = ir::writeWorkflowJson(unit.root);
      break;
    case Emit::Plan:
      out = ir::writePlanJson(unit.plan);
      break;
    case Emit::LambdaPlan:
      out = backend::writeLambdaPlanJson(unit.plan);
      if (llvm::sys::fs::is_directory(output))
        output = output + "/" + backend::lambdaPlanFileName(unit.plan);
      break;
    case Emit::Dot:
      out = backend::renderDot(backend::graphFromPlan(unit.workflow(), gopts));
      break;
    case Emit::Svg:
    case Emit::Png: {
      auto img = backend::renderImage(backend::graphFromPlan(unit.workflow(), gopts),
                                      emit == Emit::Svg ? "svg" : "png");
      if (!img) {
        printDiagnostics(sm, diags);
        llvm::errs() << "ci-compile: " << llvm::toString(img.takeError()) << "\n";
        return kExitInternal;
      }
      out = std::move(*img);
      break;
    }
    case Emit::GithubTemplate:
      break;
    }
  }
  printDiagnostics(sm, diags);
  if (int rc = writeOutput(out))
    return rc;
  return diags.hasErrors() ? kExitErrors : kExitOk;
}
