// Compiling workflow files for a run: the passes' pipeline, plan JSON, event filters, inputs.
#include "runtime/workflow_compiler.h"

#include "runtime/event_filter.h"
#include "runtime/workflow_model.h"

#include "ir/diagnostic_render.h"
#include "ir/plan_json.h"
#include "passes/compile_driver.h"
#include "passes/reusable_workflow.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace runtime {

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> workflowFiles(const fs::path &source) {
  std::error_code ec;
  if (!fs::is_directory(source, ec))
    return {source};
  fs::path dir = fs::is_directory(source / ".github" / "workflows", ec) ? source / ".github" / "workflows" : source;
  std::vector<fs::path> out;
  for (const fs::directory_entry &e : fs::directory_iterator(dir, ec)) {
    std::string ext = e.path().extension().string();
    if (e.is_regular_file(ec) && (ext == ".yml" || ext == ".yaml"))
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// The `inputs` of a workflow_dispatch run: declared defaults, then the given values,
/// typed as declared (boolean, number; everything else a string).
json dispatchInputs(const ir::Workflow &wf, const json &given) {
  json out = json::object();
  const ir::Trigger *t = wf.findTrigger("workflow_dispatch");
  if (t)
    for (const ir::WorkflowInput &in : t->inputs) {
      std::string type = in.type ? in.type->value : "string";
      std::string text;
      bool has = false;
      if (given.contains(in.id.value)) {
        text = given[in.id.value].get<std::string>();
        has = true;
      } else if (in.defaultValue) {
        text = in.defaultValue->scalarText();
        has = true;
      }
      if (type == "boolean")
        out[in.id.value] = has && (text == "true" || text == "True" || text == "TRUE");
      else if (type == "number")
        out[in.id.value] = has && !text.empty() ? json(std::strtod(text.c_str(), nullptr)) : json(0);
      else
        out[in.id.value] = text;
    }
  for (auto it = given.begin(); it != given.end(); ++it)
    if (!out.contains(it.key()))
      out[it.key()] = it.value();
  return out;
}

std::string readFile(const fs::path &p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

llvm::Expected<json> compileSource(const std::string &source, const std::string &eventIn,
                                   const json &payload, const json &inputs) {
  fs::path src(source);
  std::error_code ec;
  bool isDir = fs::is_directory(src, ec);
  std::string repoRoot = passes::repositoryRootOf(isDir ? (src / "x").string() : source);
  if (repoRoot.empty())
    repoRoot = (isDir ? src : src.parent_path()).string();
  std::string ref = payload.is_object() && payload.contains("ref") && payload["ref"].is_string()
                        ? payload["ref"].get<std::string>()
                        : "";
  std::string event = eventIn;
  json workflows = json::array();
  json typedInputs = inputs;
  std::string diagnostics;
  std::vector<std::string> skipped;
  for (const fs::path &file : workflowFiles(src)) {
    std::string text = readFile(file);
    fs::path rel = fs::relative(file, repoRoot, ec);
    std::string name = ec || rel.empty() || *rel.begin() == ".." ? file.string() : rel.string();
    ir::SourceManager sm;
    ir::DiagnosticEngine diags;
    ir::FileId id = sm.addFile(name, std::move(text));
    passes::CompileOptions opts;
    opts.repoRoot = repoRoot;
    llvm::Expected<passes::CompileResult> result = passes::compileFile(sm, id, diags, std::move(opts));
    if (!result)
      return result.takeError();
    diags.finalize();
    if (diags.hasErrors()) {
      std::string out;
      llvm::raw_string_ostream os(out);
      ir::RenderOptions ro;
      ir::renderHuman(os, sm, diags.diagnostics(), ro);
      os.flush();
      diagnostics += out;
      continue;
    }
    passes::CompileUnit &unit = *result->unit;
    if (event.empty()) {
      event = "push";
      if (!isDir && !unit.root.findTrigger("push") && !unit.root.triggers.empty())
        event = unit.root.triggers.front().event.value;
    }
    std::string why;
    std::string runRef = ref.empty() ? "refs/heads/main" : ref;
    if (!workflowTriggeredBy(unit.root, event, payload, runRef, &why)) {
      skipped.push_back(name + ": " + why);
      continue;
    }
    llvm::Expected<json> plan = readPlanKeepingMatrixOrder(ir::planToJson(unit.plan).dump());
    if (!plan)
      return plan.takeError();
    for (json &w : (*plan)["workflows"]) {
      if (event == "workflow_dispatch")
        w["inputs"] = dispatchInputs(unit.root, inputs);
      workflows.push_back(std::move(w));
    }
  }
  if (!diagnostics.empty())
    return llvm::createStringError(std::errc::invalid_argument, "the workflows have errors:\n%s",
                                   diagnostics.c_str());
  json out{{"workflows", workflows}, {"inputs", typedInputs}, {"event", event.empty() ? "push" : event}};
  if (!skipped.empty())
    out["skipped"] = skipped;
  return out;
}

} // namespace

WorkflowFileCompiler makeWorkflowFileCompiler() { return compileSource; }

} // namespace runtime
