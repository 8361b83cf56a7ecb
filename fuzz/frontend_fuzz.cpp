// libFuzzer target: the whole frontend on arbitrary file contents.
//
// Input: a workflow file (or, when the first byte is odd, also an action.yml).
// It is read with GitHub's YAML rules, lowered into ir::Workflow with every
// expression parsed, written as IR JSON and read back (which must reproduce the
// same bytes), converted to GitHub's template JSON and to the DOT job graph.
// Nothing may crash, hang, grow without bound or break the IR JSON round trip.
// Seeds: the real-workflow corpus (fuzz/frontend_fuzz.seeds).
#include "backend/github_template.h"
#include "backend/graph_dot.h"
#include "frontend/action_metadata.h"
#include "frontend/lower_workflow.h"
#include "ir/ir_json.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::FileId file = sm.addFile(".github/workflows/fuzz.yml", text);
  ir::Workflow wf = frontend::compileWorkflow(sm, file, diags);
  std::string json = ir::writeWorkflowJson(wf);
  auto back = ir::readWorkflowJson(json, frontend::irJsonReadOptions(file));
  if (!back) {
    std::fprintf(stderr, "IR JSON does not read back: %s\n",
                 llvm::toString(back.takeError()).c_str());
    std::abort();
  }
  if (ir::writeWorkflowJson(*back) != json) {
    std::fprintf(stderr, "IR JSON round trip differs\n");
    std::abort();
  }
  backend::GithubTemplateEmitter em(sm, diags);
  em.addWorkflowFile("./.github/workflows/fuzz.yml", text);
  (void)em.emit(wf).dump();
  (void)backend::renderDot(backend::graphFromWorkflow(wf));
  diags.finalize();
  if (size > 0 && (data[0] & 1)) {
    ir::DiagnosticEngine adiags;
    ir::FileId af = sm.addFile("action.yml", text);
    ir::Action action = frontend::compileAction(sm, af, adiags);
    std::string ajson = ir::writeActionJson(action);
    auto aback = ir::readActionJson(ajson);
    if (!aback || ir::writeActionJson(*aback) != ajson) {
      if (!aback)
        llvm::consumeError(aback.takeError());
      std::fprintf(stderr, "action IR JSON round trip differs\n");
      std::abort();
    }
  }
  return 0;
}
