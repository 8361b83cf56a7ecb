// Journal rows: encoding of types and statuses, and the SQL over the operations table.
#include "runtime/journal.h"

namespace runtime {

namespace {
constexpr const char *kTypeNames[] = {"step", "context", "callback", "invoke", "wait", "any", "all"};
constexpr const char *kStatusNames[] = {"pending", "succeeded", "failed"};

OpRecord readRecord(const Statement &s) {
  OpRecord r;
  r.id = s.text(0);
  r.seq = s.int64(1);
  r.type = parseOpType(s.text(2)).value_or(OpType::Step);
  r.name = s.text(3);
  r.status = parseOpStatus(s.text(4)).value_or(OpStatus::Pending);
  r.attempt = static_cast<int>(s.int64(5));
  r.result = s.optText(6);
  r.error = s.optText(7);
  r.detail = s.optText(8);
  r.startedMs = s.int64(9);
  r.endedMs = s.optInt64(10);
  return r;
}

#define OP_COLUMNS "op_id, seq, type, name, status, attempt, result, error, detail, started_ms, ended_ms"
} // namespace

llvm::StringRef opTypeName(OpType type) { return kTypeNames[static_cast<int>(type)]; }
std::optional<OpType> parseOpType(llvm::StringRef name) {
  for (int i = 0; i < 7; ++i)
    if (name == kTypeNames[i])
      return static_cast<OpType>(i);
  return std::nullopt;
}
llvm::StringRef opStatusName(OpStatus status) { return kStatusNames[static_cast<int>(status)]; }
std::optional<OpStatus> parseOpStatus(llvm::StringRef name) {
  for (int i = 0; i < 3; ++i)
    if (name == kStatusNames[i])
      return static_cast<OpStatus>(i);
  return std::nullopt;
}

Result OpRecord::outcome() const {
  if (status == OpStatus::Failed)
    return Result::failure(error.value_or(""));
  if (!result)
    return Result::success(nullptr);
  json value = json::parse(*result, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded())
    return Result::failure("journal holds an unreadable result for operation " + id);
  return Result::success(std::move(value));
}

namespace journal {

llvm::Expected<std::vector<OpRecord>> load(Store &store, int64_t executionId) {
  Statement &s =
      store.stmt("SELECT " OP_COLUMNS " FROM operations WHERE execution_id = ? ORDER BY seq");
  s.bind(1, executionId);
  std::vector<OpRecord> out;
  while (true) {
    llvm::Expected<bool> row = s.step();
    if (!row)
      return row.takeError();
    if (!*row)
      break;
    out.push_back(readRecord(s));
  }
  s.reset();
  return out;
}

llvm::Expected<std::optional<OpRecord>> get(Store &store, int64_t executionId,
                                            llvm::StringRef opId) {
  Statement &s = store.stmt("SELECT " OP_COLUMNS
                            " FROM operations WHERE execution_id = ? AND op_id = ?");
  s.bind(1, executionId).bind(2, opId);
  llvm::Expected<bool> row = s.step();
  if (!row)
    return row.takeError();
  std::optional<OpRecord> out;
  if (*row)
    out = readRecord(s);
  s.reset();
  return out;
}

llvm::Error insert(Store &store, int64_t executionId, const OpRecord &op) {
  Statement &s = store.stmt("INSERT INTO operations(execution_id, " OP_COLUMNS
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, executionId)
      .bind(2, op.id)
      .bind(3, op.seq)
      .bind(4, opTypeName(op.type))
      .bind(5, op.name)
      .bind(6, opStatusName(op.status))
      .bind(7, int64_t(op.attempt))
      .bind(8, op.result)
      .bind(9, op.error)
      .bind(10, op.detail)
      .bind(11, op.startedMs);
  if (op.endedMs)
    s.bind(12, *op.endedMs);
  else
    s.bindNull(12);
  return s.run();
}

llvm::Expected<bool> settle(Store &store, int64_t executionId, llvm::StringRef opId,
                            const Result &outcome, TimeMs endedMs, bool onlyIfPending) {
  Statement &s = store.stmt(onlyIfPending
                                ? "UPDATE operations SET status = ?, result = ?, error = ?, "
                                  "ended_ms = ? WHERE execution_id = ? AND op_id = ? "
                                  "AND status = 'pending'"
                                : "UPDATE operations SET status = ?, result = ?, error = ?, "
                                  "ended_ms = ? WHERE execution_id = ? AND op_id = ?");
  s.bind(1, opStatusName(outcome.ok() ? OpStatus::Succeeded : OpStatus::Failed));
  if (outcome.ok())
    s.bind(2, toJsonText(outcome.value())).bindNull(3);
  else
    s.bindNull(2).bind(3, outcome.error());
  s.bind(4, endedMs).bind(5, executionId).bind(6, opId);
  if (llvm::Error e = s.run())
    return e;
  return store.changes() > 0;
}

llvm::Error updateAttempt(Store &store, int64_t executionId, llvm::StringRef opId, int attempt,
                          const std::optional<std::string> &lastError,
                          const std::optional<std::string> &detail) {
  return store
      .stmt("UPDATE operations SET attempt = ?, error = ?, detail = ? "
            "WHERE execution_id = ? AND op_id = ?")
      .bind(1, int64_t(attempt))
      .bind(2, lastError)
      .bind(3, detail)
      .bind(4, executionId)
      .bind(5, opId)
      .run();
}

llvm::Expected<std::pair<int64_t, int64_t>> stats(Store &store, int64_t executionId) {
  Statement &s = store.stmt(
      "SELECT count(*), coalesce(sum(length(op_id) + length(type) + length(name) + "
      "length(status) + coalesce(length(result), 0) + coalesce(length(error), 0) + "
      "coalesce(length(detail), 0) + 24), 0) FROM operations WHERE execution_id = ?");
  s.bind(1, executionId);
  llvm::Expected<bool> row = s.step();
  if (!row)
    return row.takeError();
  std::pair<int64_t, int64_t> out{s.int64(0), s.int64(1)};
  s.reset();
  return out;
}

} // namespace journal
} // namespace runtime
