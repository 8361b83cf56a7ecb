// Writes the Lambda plan: plan JSON plus the operation estimate of every execution.
#include "backend/lambda_plan.h"

#include "ir/plan_json.h"
#include "passes/operation_budget.h"

namespace backend {

std::string writeLambdaPlanJson(const ir::Plan &plan) {
  ir::OrderedJson doc = ir::planToJson(plan);
  auto &workflows = doc["workflows"];
  for (size_t i = 0; i < plan.workflows.size() && i < workflows.size(); ++i) {
    const ir::PlanWorkflow &wf = plan.workflows[i];
    if (wf.estimate < 0)
      continue;
    ir::OrderedJson execs = ir::OrderedJson::array();
    for (const passes::ExecutionEstimate &e : passes::executionEstimates(wf))
      execs.push_back({{"id", e.id}, {"operations", e.operations}});
    workflows[i]["estimate"] = {{"operations", wf.estimate}, {"budget", plan.opBudget}, {"executions", execs}};
    if (!workflows[i].contains("partitions"))
      workflows[i]["partitions"] = ir::OrderedJson::array();
  }
  return doc.dump(2) + "\n";
}

std::string lambdaPlanFileName(const ir::Plan &plan) {
  std::string id = plan.workflows.empty() ? std::string("plan") : plan.workflows.front().id;
  return id + ".lambda-plan.json";
}

} // namespace backend
