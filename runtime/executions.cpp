// SQL over the executions table.
#include "runtime/executions.h"

namespace runtime {

namespace {
#define EXEC_COLUMNS                                                                               \
  "id, name, orchestrator, input, status, result, error, op_budget, parent_id, parent_op, "       \
  "created_ms, updated_ms, ended_ms"

ExecutionRecord readRecord(const Statement &s) {
  ExecutionRecord r;
  r.id = s.int64(0);
  r.name = s.text(1);
  r.orchestrator = s.text(2);
  r.input = json::parse(s.text(3), nullptr, false);
  if (r.input.is_discarded())
    r.input = nullptr;
  std::string status = s.text(4);
  r.status = status == "succeeded" ? ExecStatus::Succeeded
             : status == "failed"  ? ExecStatus::Failed
                                   : ExecStatus::Running;
  r.result = s.optText(5);
  r.error = s.optText(6);
  r.opBudget = s.int64(7);
  r.parentId = s.optInt64(8);
  r.parentOp = s.optText(9);
  r.createdMs = s.int64(10);
  r.updatedMs = s.int64(11);
  r.endedMs = s.optInt64(12);
  return r;
}

llvm::Expected<std::vector<ExecutionRecord>> readAll(Statement &s) { return s.collect(readRecord); }

llvm::Expected<std::optional<ExecutionRecord>> readOne(Statement &s) {
  llvm::Expected<std::vector<ExecutionRecord>> all = readAll(s);
  if (!all)
    return all.takeError();
  if (all->empty())
    return std::nullopt;
  return std::move(all->front());
}
} // namespace

llvm::StringRef execStatusName(ExecStatus status) {
  switch (status) {
  case ExecStatus::Running:
    return "running";
  case ExecStatus::Succeeded:
    return "succeeded";
  case ExecStatus::Failed:
    return "failed";
  }
  return "running";
}

Result ExecutionRecord::outcome() const {
  if (status == ExecStatus::Failed)
    return Result::failure(error.value_or(""));
  json value = result ? json::parse(*result, nullptr, false) : json();
  return Result::success(value.is_discarded() ? json() : value);
}

namespace executions {

llvm::Expected<std::pair<ExecutionRecord, bool>> createOrGet(Store &store, const StartRequest &req,
                                                             TimeMs now) {
  Statement &ins = store.stmt(
      "INSERT OR IGNORE INTO executions(name, orchestrator, input, status, op_budget, parent_id, "
      "parent_op, created_ms, updated_ms) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?)");
  ins.bind(1, req.name).bind(2, req.orchestrator).bind(3, toJsonText(req.input)).bind(4, req.opBudget);
  if (req.parentId)
    ins.bind(5, *req.parentId);
  else
    ins.bindNull(5);
  ins.bind(6, req.parentOp).bind(7, now).bind(8, now);
  if (llvm::Error e = ins.run())
    return e;
  bool created = store.changes() > 0;
  llvm::Expected<std::optional<ExecutionRecord>> rec = byName(store, req.name);
  if (!rec)
    return rec.takeError();
  assert(*rec && "execution vanished inside its transaction");
  return std::make_pair(std::move(**rec), created);
}

llvm::Expected<std::optional<ExecutionRecord>> byName(Store &store, llvm::StringRef name) {
  Statement &s = store.stmt("SELECT " EXEC_COLUMNS " FROM executions WHERE name = ?");
  s.bind(1, name);
  return readOne(s);
}

llvm::Expected<std::optional<ExecutionRecord>> byId(Store &store, int64_t id) {
  Statement &s = store.stmt("SELECT " EXEC_COLUMNS " FROM executions WHERE id = ?");
  s.bind(1, id);
  return readOne(s);
}

llvm::Expected<std::vector<ExecutionRecord>> running(Store &store) {
  Statement &s =
      store.stmt("SELECT " EXEC_COLUMNS " FROM executions WHERE status = 'running' ORDER BY id");
  return readAll(s);
}

llvm::Expected<std::vector<ExecutionRecord>> list(Store &store, int64_t limit) {
  Statement &s = store.stmt("SELECT " EXEC_COLUMNS " FROM executions ORDER BY id DESC LIMIT ?");
  s.bind(1, limit);
  return readAll(s);
}

llvm::Expected<bool> finish(Store &store, int64_t id, const Result &outcome, TimeMs now) {
  Statement &s = store.stmt("UPDATE executions SET status = ?, result = ?, error = ?, "
                            "updated_ms = ?, ended_ms = ? WHERE id = ? AND status = 'running'");
  s.bind(1, llvm::StringRef(outcome.ok() ? "succeeded" : "failed"));
  if (outcome.ok())
    s.bind(2, toJsonText(outcome.value())).bindNull(3);
  else
    s.bindNull(2).bind(3, outcome.error());
  s.bind(4, now).bind(5, now).bind(6, id);
  if (llvm::Error e = s.run())
    return e;
  return store.changes() > 0;
}

llvm::Error setParent(Store &store, int64_t id, int64_t parentId, llvm::StringRef parentOp) {
  return store.stmt("UPDATE executions SET parent_id = ?, parent_op = ? WHERE id = ?")
      .bind(1, parentId)
      .bind(2, parentOp)
      .bind(3, id)
      .run();
}

} // namespace executions
} // namespace runtime
