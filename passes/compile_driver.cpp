// The compile pipeline driver: lowering, passes, dumps, timings; --durations and --contexts files.
#include "passes/compile_driver.h"

#include "frontend/lower_workflow.h"
#include "ir/ir_json.h"
#include "ir/plan_json.h"
#include "ir/value_json.h"
#include "passes/pass_registry.h"

#include "llvm/Support/MemoryBuffer.h"

#include <chrono>

namespace passes {

std::string dumpUnit(const CompileUnit &unit, llvm::StringRef pass) {
  ir::OrderedJson o;
  o["after"] = pass.str();
  o["ir"] = ir::workflowToJson(unit.root);
  o["plan"] = ir::planToJson(unit.plan);
  return o.dump(2) + "\n";
}

llvm::Expected<CompileResult> compileFile(ir::SourceManager &sm, ir::FileId file,
                                          ir::DiagnosticEngine &diags, CompileOptions opts,
                                          const PipelineOptions &pipeline) {
  std::vector<std::string> names = pipeline.passes.empty() ? defaultPipeline() : pipeline.passes;
  auto pm = buildPipeline(names);
  if (!pm)
    return pm.takeError();
  CompileResult res;
  auto t0 = std::chrono::steady_clock::now();
  ir::Workflow wf = frontend::compileWorkflow(sm, file, diags, opts.lower);
  auto t1 = std::chrono::steady_clock::now();
  if (pipeline.timePasses)
    res.timings.push_back({"lower", std::chrono::duration<double>(t1 - t0).count()});
  bool lowered = !diags.hasErrors();
  res.unit = std::make_unique<CompileUnit>(sm, diags, std::move(wf), std::move(opts));
  if (!lowered)
    return res;
  llvm::raw_ostream &out = pipeline.dumpStream ? *pipeline.dumpStream : llvm::errs();
  if (pipeline.printAfterAll || !pipeline.printAfter.empty())
    pm->setAfterPassHook([&](llvm::StringRef pass, CompileUnit &unit) {
      bool wanted = pipeline.printAfterAll ||
                    std::find(pipeline.printAfter.begin(), pipeline.printAfter.end(), pass.str()) !=
                        pipeline.printAfter.end();
      if (wanted)
        out << dumpUnit(unit, pass);
    });
  pm->setTimePasses(pipeline.timePasses);
  CompileAnalysisManager am(diags);
  res.completed = pm->run(*res.unit, am);
  for (const PassTiming &t : pm->timings())
    res.timings.push_back(t);
  return res;
}

namespace {

llvm::Expected<ir::Value> readJsonFile(llvm::StringRef path, llvm::StringRef what) {
  auto buf = llvm::MemoryBuffer::getFile(path);
  if (!buf)
    return llvm::createStringError(buf.getError(), "cannot read %s file '%s': %s", what.str().c_str(),
                                   path.str().c_str(), buf.getError().message().c_str());
  ir::Value v;
  ir::JSONParseError err;
  if (!ir::parseJSON((*buf)->getBuffer(), v, err))
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s:%u:%u: %s",
                                   path.str().c_str(), err.line, err.column, err.message.c_str());
  if (!v.isObject())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: the %s file must hold a JSON object", path.str().c_str(),
                                   what.str().c_str());
  return v;
}

} // namespace

llvm::Expected<llvm::StringMap<double>> readDurations(llvm::StringRef path) {
  auto v = readJsonFile(path, "durations");
  if (!v)
    return v.takeError();
  const ir::Value *obj = &*v;
  if (const ir::Value *jobs = v->find("jobs"); jobs && jobs->isObject())
    obj = jobs;
  llvm::StringMap<double> out;
  for (const auto &e : obj->getObject()) {
    if (!e.value.isNumber() || e.value.getNumber() < 0)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "%s: the duration of job \"%s\" must be a number of minutes >= 0",
                                     path.str().c_str(), e.key.c_str());
    out[llvm::StringRef(e.key).lower()] = e.value.getNumber();
  }
  return out;
}

llvm::Expected<KnownContexts> readKnownContexts(llvm::StringRef path) {
  auto v = readJsonFile(path, "contexts");
  if (!v)
    return v.takeError();
  KnownContexts k;
  for (const auto &e : v->getObject())
    k.set(e.key, e.value, false);
  return k;
}

} // namespace passes
