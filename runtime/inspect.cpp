// JSON and table views of executions and their journals.
#include "runtime/inspect.h"

#include "runtime/callbacks.h"
#include "runtime/executions.h"
#include "runtime/journal.h"

#include <algorithm>
#include <sstream>

namespace runtime {

namespace {
json optional(const std::optional<std::string> &s) { return s ? json(*s) : json(); }
json optional(const std::optional<int64_t> &v) { return v ? json(*v) : json(); }
json parsed(const std::optional<std::string> &s) {
  if (!s)
    return nullptr;
  json v = json::parse(*s, nullptr, false);
  return v.is_discarded() ? json(*s) : v;
}

json executionJson(const ExecutionRecord &r) {
  return json{{"id", r.id},
              {"name", r.name},
              {"orchestrator", r.orchestrator},
              {"status", execStatusName(r.status).str()},
              {"input", r.input},
              {"result", parsed(r.result)},
              {"error", optional(r.error)},
              {"op_budget", r.opBudget},
              {"parent_id", optional(r.parentId)},
              {"parent_op", optional(r.parentOp)},
              {"created_ms", r.createdMs},
              {"ended_ms", optional(r.endedMs)}};
}

std::string clip(std::string s, size_t n) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s.size() <= n ? s : s.substr(0, n - 3) + "...";
}
} // namespace

llvm::Expected<json> inspectExecution(Store &store, llvm::StringRef nameOrId) {
  llvm::Expected<std::optional<ExecutionRecord>> rec = executions::byName(store, nameOrId);
  if (!rec)
    return rec.takeError();
  int64_t id = 0;
  if (!*rec && !nameOrId.getAsInteger(10, id)) {
    rec = executions::byId(store, id);
    if (!rec)
      return rec.takeError();
  }
  if (!*rec)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "no execution named \"%s\" in store %s",
                                   nameOrId.str().c_str(), store.path().c_str());
  const ExecutionRecord &r = **rec;
  json out{{"execution", executionJson(r)}, {"operations", json::array()}, {"callbacks", json::array()}};
  llvm::Expected<std::vector<OpRecord>> ops = journal::load(store, r.id);
  if (!ops)
    return ops.takeError();
  for (const OpRecord &op : *ops)
    out["operations"].push_back(json{{"id", op.id},
                                     {"type", opTypeName(op.type).str()},
                                     {"name", op.name},
                                     {"status", opStatusName(op.status).str()},
                                     {"attempt", op.attempt},
                                     {"result", parsed(op.result)},
                                     {"error", optional(op.error)},
                                     {"detail", parsed(op.detail)},
                                     {"started_ms", op.startedMs},
                                     {"ended_ms", optional(op.endedMs)}});
  Statement &s = store.stmt("SELECT token FROM callbacks WHERE execution_id = ? ORDER BY created_ms, op_id");
  s.bind(1, r.id);
  std::vector<std::string> tokens;
  while (true) {
    llvm::Expected<bool> row = s.step();
    if (!row)
      return row.takeError();
    if (!*row)
      break;
    tokens.push_back(s.text(0));
  }
  s.reset();
  for (const std::string &t : tokens) {
    llvm::Expected<std::optional<CallbackRecord>> cb = callbacks::find(store, t);
    if (!cb)
      return cb.takeError();
    const CallbackRecord &c = **cb;
    out["callbacks"].push_back(json{{"token", c.token},
                                    {"op_id", c.opId},
                                    {"name", c.name},
                                    {"status", callbackStatusName(c.status).str()},
                                    {"deadline_ms", optional(c.deadlineMs)},
                                    {"heartbeat_deadline_ms", optional(c.heartbeatDeadlineMs)},
                                    {"result", parsed(c.result)},
                                    {"error", optional(c.error)}});
  }
  return out;
}

std::string renderInspection(const json &in) {
  const json &e = in["execution"];
  std::ostringstream os;
  os << "execution " << e["name"].get<std::string>() << " (id " << e["id"] << ", orchestrator "
     << e["orchestrator"].get<std::string>() << "): " << e["status"].get<std::string>();
  if (!e["error"].is_null())
    os << ": " << e["error"].get<std::string>();
  else if (!e["result"].is_null())
    os << ", result " << clip(toJsonText(e["result"]), 60);
  os << "\n" << in["operations"].size() << " of " << e["op_budget"] << " operations\n";
  std::vector<std::vector<std::string>> rows{{"ID", "TYPE", "NAME", "STATUS", "TRY", "MS", "RESULT"}};
  int64_t t0 = e["created_ms"].get<int64_t>();
  for (const json &op : in["operations"]) {
    std::string outcome = !op["error"].is_null() ? op["error"].get<std::string>()
                          : !op["result"].is_null() ? toJsonText(op["result"])
                                                    : "";
    std::string ms = std::to_string(op["started_ms"].get<int64_t>() - t0);
    if (!op["ended_ms"].is_null())
      ms += "+" + std::to_string(op["ended_ms"].get<int64_t>() - op["started_ms"].get<int64_t>());
    rows.push_back({op["id"].get<std::string>(), op["type"].get<std::string>(),
                    clip(op["name"].get<std::string>(), 32), op["status"].get<std::string>(),
                    op["attempt"].get<int>() ? std::to_string(op["attempt"].get<int>()) : "",
                    ms, clip(outcome, 60)});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto &r : rows)
    for (size_t i = 0; i < r.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  for (const auto &r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size())
        line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    os << line << "\n";
  }
  for (const json &c : in["callbacks"])
    if (c["status"] == "pending")
      os << "pending callback " << c["op_id"].get<std::string>() << " \"" << c["name"].get<std::string>()
         << "\": token " << c["token"].get<std::string>() << "\n";
  return os.str();
}

llvm::Expected<json> listExecutions(Store &store, int64_t limit) {
  llvm::Expected<std::vector<ExecutionRecord>> all = executions::list(store, limit);
  if (!all)
    return all.takeError();
  json out = json::array();
  for (const ExecutionRecord &r : *all)
    out.push_back(executionJson(r));
  return out;
}

} // namespace runtime
