// Names of conclusions and reasons, and the JSON form of job reports.
#include "runtime/job_state.h"

namespace runtime {

llvm::StringRef conclusionName(Conclusion c) {
  switch (c) {
  case Conclusion::None: return "";
  case Conclusion::Success: return "success";
  case Conclusion::Failure: return "failure";
  case Conclusion::Cancelled: return "cancelled";
  case Conclusion::Skipped: return "skipped";
  }
  return "";
}

Conclusion parseConclusion(llvm::StringRef s) {
  if (s == "success") return Conclusion::Success;
  if (s == "failure") return Conclusion::Failure;
  if (s == "cancelled") return Conclusion::Cancelled;
  if (s == "skipped") return Conclusion::Skipped;
  return Conclusion::None;
}

llvm::StringRef reasonName(Reason r) {
  switch (r) {
  case Reason::None: return "";
  case Reason::Timeout: return "timeout";
  case Reason::FailFast: return "fail-fast";
  case Reason::Concurrency: return "concurrency";
  case Reason::CancelRequest: return "cancel-request";
  case Reason::Needs: return "needs";
  case Reason::Condition: return "condition";
  }
  return "";
}

Reason parseReason(llvm::StringRef s) {
  if (s == "timeout") return Reason::Timeout;
  if (s == "fail-fast") return Reason::FailFast;
  if (s == "concurrency") return Reason::Concurrency;
  if (s == "cancel-request") return Reason::CancelRequest;
  if (s == "needs") return Reason::Needs;
  if (s == "condition") return Reason::Condition;
  return Reason::None;
}

json JobReport::toJson(bool withStatus) const {
  json j{{"id", id},
         {"job", job},
         {"name", name},
         {"conclusion", conclusion == Conclusion::None ? json() : json(conclusionName(conclusion).str())},
         {"reason", reason == Reason::None ? json() : json(reasonName(reason).str())},
         {"outputs", outputs},
         {"attempt", attempt}};
  if (withStatus || conclusion == Conclusion::None)
    j["status"] = status;
  if (result != Conclusion::None && result != conclusion)
    j["result"] = conclusionName(result).str();
  if (continueOnError)
    j["continue_on_error"] = true;
  if (!error.empty())
    j["error"] = error;
  return j;
}

JobReport JobReport::fromJson(const json &j) {
  JobReport r;
  auto str = [&](const char *key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  r.id = str("id");
  r.job = str("job");
  r.name = str("name");
  r.conclusion = parseConclusion(str("conclusion"));
  r.result = parseConclusion(str("result"));
  if (r.result == Conclusion::None)
    r.result = r.conclusion;
  r.reason = parseReason(str("reason"));
  auto outputs = j.find("outputs");
  if (outputs != j.end() && outputs->is_object())
    r.outputs = *outputs;
  r.attempt = j.value("attempt", 1);
  r.status = str("status");
  if (r.status.empty())
    r.status = r.conclusion == Conclusion::None ? "pending" : "completed";
  r.error = str("error");
  r.continueOnError = j.value("continue_on_error", false);
  return r;
}

} // namespace runtime
