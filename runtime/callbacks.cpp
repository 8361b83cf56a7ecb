// Callback tokens and the SQL that creates, completes, heartbeats and times out callbacks.
#include "runtime/callbacks.h"

#include "runtime/inbox.h"
#include "runtime/journal.h"

#include <sys/random.h>

#include <cerrno>

namespace runtime {

namespace {
constexpr const char *kStatusNames[] = {"pending", "succeeded", "failed", "timed_out", "cancelled"};

CallbackStatus parseStatus(llvm::StringRef s) {
  for (int i = 0; i < 5; ++i)
    if (s == kStatusNames[i])
      return static_cast<CallbackStatus>(i);
  return CallbackStatus::Pending;
}

llvm::Error notFound(llvm::StringRef token) {
  return llvm::createStringError(std::errc::invalid_argument,
                                 "no callback has the token \"%s\" in this store; check the "
                                 "token and the --store path",
                                 token.str().c_str());
}
} // namespace

llvm::StringRef callbackStatusName(CallbackStatus status) {
  return kStatusNames[static_cast<int>(status)];
}

std::string generateCallbackToken() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR)
      continue;
    // getrandom only fails on an unsupported kernel; a guessable token is never acceptable.
    if (n <= 0)
      llvm::report_fatal_error("getrandom failed: cannot create an unguessable callback token");
    got += static_cast<size_t>(n);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string token(32, '0');
  for (size_t i = 0; i < sizeof bytes; ++i) {
    token[2 * i] = kHex[bytes[i] >> 4];
    token[2 * i + 1] = kHex[bytes[i] & 15];
  }
  return token;
}

namespace callbacks {

static void bindOpt(Statement &s, int i, std::optional<int64_t> v) {
  if (v)
    s.bind(i, *v);
  else
    s.bindNull(i);
}

llvm::Error create(Store &store, const CallbackRecord &cb) {
  Statement &s = store.stmt(
      "INSERT INTO callbacks(token, execution_id, op_id, name, status, timeout_ms, "
      "heartbeat_timeout_ms, deadline_ms, heartbeat_deadline_ms, created_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, cb.token).bind(2, cb.executionId).bind(3, cb.opId).bind(4, cb.name);
  s.bind(5, callbackStatusName(cb.status));
  bindOpt(s, 6, cb.timeoutMs);
  bindOpt(s, 7, cb.heartbeatTimeoutMs);
  bindOpt(s, 8, cb.deadlineMs);
  bindOpt(s, 9, cb.heartbeatDeadlineMs);
  s.bind(10, cb.createdMs);
  return s.run();
}

llvm::Expected<std::optional<CallbackRecord>> find(Store &store, llvm::StringRef token) {
  Statement &s = store.stmt(
      "SELECT token, execution_id, op_id, name, status, timeout_ms, heartbeat_timeout_ms, "
      "deadline_ms, heartbeat_deadline_ms, result, error, created_ms, completed_ms "
      "FROM callbacks WHERE token = ?");
  s.bind(1, token);
  llvm::Expected<bool> row = s.step();
  if (!row)
    return row.takeError();
  std::optional<CallbackRecord> out;
  if (*row) {
    CallbackRecord r;
    r.token = s.text(0);
    r.executionId = s.int64(1);
    r.opId = s.text(2);
    r.name = s.text(3);
    r.status = parseStatus(s.text(4));
    r.timeoutMs = s.optInt64(5);
    r.heartbeatTimeoutMs = s.optInt64(6);
    r.deadlineMs = s.optInt64(7);
    r.heartbeatDeadlineMs = s.optInt64(8);
    r.result = s.optText(9);
    r.error = s.optText(10);
    r.createdMs = s.int64(11);
    r.completedMs = s.optInt64(12);
    out = std::move(r);
  }
  s.reset();
  return out;
}

llvm::Expected<llvm::StringMap<std::string>> tokensOf(Store &store, int64_t executionId) {
  Statement &s = store.stmt("SELECT op_id, token FROM callbacks WHERE execution_id = ?");
  s.bind(1, executionId);
  llvm::StringMap<std::string> out;
  while (true) {
    llvm::Expected<bool> row = s.step();
    if (!row)
      return row.takeError();
    if (!*row)
      break;
    out[s.text(0)] = s.text(1);
  }
  s.reset();
  return out;
}

llvm::Expected<Delivery> deliver(Store &store, llvm::StringRef token, const Result &outcome,
                                 TimeMs now, bool postToInbox) {
  llvm::Expected<std::optional<CallbackRecord>> cb = find(store, token);
  if (!cb)
    return cb.takeError();
  if (!*cb)
    return notFound(token);
  if ((*cb)->status != CallbackStatus::Pending)
    return llvm::createStringError(
        std::errc::operation_not_permitted,
        "callback \"%s\" (token %s) is already %s; a callback completes only once",
        (*cb)->name.c_str(), token.str().c_str(),
        callbackStatusName((*cb)->status).str().c_str());
  Statement &s = store.stmt("UPDATE callbacks SET status = ?, result = ?, error = ?, "
                            "completed_ms = ? WHERE token = ? AND status = 'pending'");
  s.bind(1, callbackStatusName(outcome.ok() ? CallbackStatus::Succeeded : CallbackStatus::Failed));
  if (outcome.ok())
    s.bind(2, toJsonText(outcome.value())).bindNull(3);
  else
    s.bindNull(2).bind(3, outcome.error());
  s.bind(4, now).bind(5, token);
  if (llvm::Error e = s.run())
    return e;
  llvm::Expected<bool> settled = journal::settle(store, (*cb)->executionId, (*cb)->opId, outcome, now);
  if (!settled)
    return settled.takeError();
  if (postToInbox)
    if (llvm::Error e = inbox::post(store, (*cb)->executionId, (*cb)->opId, now))
      return e;
  return Delivery{(*cb)->executionId, (*cb)->opId};
}

llvm::Error heartbeat(Store &store, llvm::StringRef token, TimeMs now) {
  llvm::Expected<std::optional<CallbackRecord>> cb = find(store, token);
  if (!cb)
    return cb.takeError();
  if (!*cb)
    return notFound(token);
  if ((*cb)->status != CallbackStatus::Pending)
    return llvm::createStringError(std::errc::operation_not_permitted,
                                   "callback \"%s\" is already %s; heartbeats are only accepted "
                                   "while it is pending",
                                   (*cb)->name.c_str(),
                                   callbackStatusName((*cb)->status).str().c_str());
  if (!(*cb)->heartbeatTimeoutMs)
    return llvm::Error::success(); // no heartbeat required: accepted, nothing to move
  return store
      .stmt("UPDATE callbacks SET heartbeat_deadline_ms = ? WHERE token = ? AND status = 'pending'")
      .bind(1, now + *(*cb)->heartbeatTimeoutMs)
      .bind(2, token)
      .run();
}

llvm::Expected<bool> timeOut(Store &store, int64_t executionId, llvm::StringRef opId,
                             const std::string &message, TimeMs now) {
  Statement &s = store.stmt("UPDATE callbacks SET status = 'timed_out', error = ?, "
                            "completed_ms = ? WHERE execution_id = ? AND op_id = ? "
                            "AND status = 'pending'");
  s.bind(1, message).bind(2, now).bind(3, executionId).bind(4, opId);
  if (llvm::Error e = s.run())
    return e;
  if (store.changes() == 0)
    return false;
  llvm::Expected<bool> settled =
      journal::settle(store, executionId, opId, Result::failure(message), now);
  if (!settled)
    return settled.takeError();
  return true;
}

llvm::Error cancelAll(Store &store, int64_t executionId, TimeMs now) {
  return store
      .stmt("UPDATE callbacks SET status = 'cancelled', completed_ms = ? "
            "WHERE execution_id = ? AND status = 'pending'")
      .bind(1, now)
      .bind(2, executionId)
      .run();
}

llvm::Error deliverTo(const std::string &storePath, llvm::StringRef token, const Result &outcome,
                      const Clock &clock) {
  llvm::Expected<std::unique_ptr<Store>> store = Store::open(storePath);
  if (!store)
    return store.takeError();
  return (*store)->transact([&]() -> llvm::Error {
    llvm::Expected<Delivery> d = deliver(**store, token, outcome, clock.now(), /*postToInbox=*/true);
    return d ? llvm::Error::success() : d.takeError();
  });
}

llvm::Error heartbeatTo(const std::string &storePath, llvm::StringRef token, const Clock &clock) {
  llvm::Expected<std::unique_ptr<Store>> store = Store::open(storePath);
  if (!store)
    return store.takeError();
  return (*store)->transact([&] { return heartbeat(**store, token, clock.now()); });
}

} // namespace callbacks
} // namespace runtime
