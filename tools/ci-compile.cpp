// ci-compile: compiles a workflow (or action.yml) to IR JSON, DOT/SVG/PNG or GitHub's template JSON.
#include "backend/github_template.h"
#include "backend/graph_dot.h"
#include "frontend/action_metadata.h"
#include "frontend/lower_workflow.h"
#include "ir/diagnostic_render.h"
#include "ir/ir_json.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <unistd.h>

namespace cl = llvm::cl;

namespace {

enum class Emit { Ir, Dot, Svg, Png, GithubTemplate };
enum class DiagFormat { Human, Json };
enum class InputKind { Auto, Workflow, Action };

cl::OptionCategory category("ci-compile options");

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<FILE|->"), cl::Required,
                               cl::cat(category));
cl::opt<Emit> emit("emit", cl::desc("What to write (default: ir)"), cl::init(Emit::Ir),
                   cl::values(clEnumValN(Emit::Ir, "ir", "versioned IR JSON (docs/ir.md)"),
                              clEnumValN(Emit::Dot, "dot", "the job graph as Graphviz DOT"),
                              clEnumValN(Emit::Svg, "svg", "the job graph rendered as SVG"),
                              clEnumValN(Emit::Png, "png", "the job graph rendered as PNG"),
                              clEnumValN(Emit::GithubTemplate, "github-template",
                                         "GitHub's converted workflow template JSON, or "
                                         "{\"errors\":[...]} for invalid input")),
                   cl::cat(category));
cl::opt<std::string> output("o", cl::desc("Write the output to <OUT> instead of stdout"),
                            cl::value_desc("OUT"), cl::init("-"), cl::cat(category));
cl::opt<DiagFormat> diagFormat(
    "diagnostics-format", cl::desc("How diagnostics are printed on stderr (default: human)"),
    cl::init(DiagFormat::Human),
    cl::values(clEnumValN(DiagFormat::Human, "human",
                          "file:line:col: severity: message [kind], the line and a caret"),
               clEnumValN(DiagFormat::Json, "json", "a JSON array of diagnostics")),
    cl::cat(category));

cl::list<std::string> workflowFiles(
    "workflow-file",
    cl::desc("Supply a reusable workflow for --emit=github-template: REF is the text after "
             "'uses:' (./.github/workflows/x.yml or owner/repo/.github/workflows/x.yml@ref); "
             "repeatable"),
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
cl::opt<unsigned> maxFileSize("max-file-size",
                              cl::desc("Largest input accepted, in bytes (default: 1 MiB, as GitHub)"),
                              cl::init(1u << 20), cl::cat(category));

// LLVM's own --color option (registered by its support library), shown in our help.
cl::boolOrDefault colorSetting = cl::BOU_UNSET;

void adoptColorOption() {
  auto &all = cl::getRegisteredOptions();
  auto it = all.find("color");
  if (it == all.end())
    return;
  it->second->setDescription("Colour human diagnostics (default: only when stderr is a tty)");
  it->second->Categories.clear();
  it->second->addCategory(category);
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
  adoptColorOption();
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
  } else {
    ir::Workflow wf = frontend::compileWorkflow(sm, file, diags, opts);
    switch (emit) {
    case Emit::Ir:
      out = ir::writeWorkflowJson(wf);
      break;
    case Emit::Dot:
      out = backend::renderDot(backend::graphFromWorkflow(wf));
      break;
    case Emit::Svg:
    case Emit::Png: {
      auto img = backend::renderImage(backend::graphFromWorkflow(wf), emit == Emit::Svg ? "svg" : "png");
      if (!img) {
        printDiagnostics(sm, diags);
        llvm::errs() << "ci-compile: " << llvm::toString(img.takeError()) << "\n";
        return kExitInternal;
      }
      out = std::move(*img);
      break;
    }
    case Emit::GithubTemplate: {
      // The file name GitHub prints is the path from .github/workflows/ on.
      backend::GithubTemplateEmitter em(sm, diags, opts);
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
      break;
    }
    }
  }
  printDiagnostics(sm, diags);
  if (int rc = writeOutput(out))
    return rc;
  return diags.hasErrors() ? kExitErrors : kExitOk;
}
