// SQL over the triggers table.
#include "runtime/trigger_queue.h"

namespace runtime {

namespace {
#define TRIGGER_COLUMNS "id, queue, payload, status, attempts, max_attempts, visible_ms, last_error"

TriggerItem readItem(const Statement &s) {
  TriggerItem t;
  t.id = s.int64(0);
  t.queue = s.text(1);
  t.payload = json::parse(s.text(2), nullptr, false);
  t.status = s.text(3);
  t.attempts = static_cast<int>(s.int64(4));
  t.maxAttempts = static_cast<int>(s.int64(5));
  t.visibleMs = s.int64(6);
  t.lastError = s.optText(7);
  return t;
}

llvm::Expected<std::vector<TriggerItem>> readAll(Statement &s) {
  std::vector<TriggerItem> out;
  while (true) {
    llvm::Expected<bool> row = s.step();
    if (!row)
      return row.takeError();
    if (!*row)
      break;
    out.push_back(readItem(s));
  }
  s.reset();
  return out;
}
} // namespace

llvm::Expected<int64_t> TriggerQueue::enqueue(const json &payload, int maxAttempts, TimeMs now) {
  Statement &s = store_.stmt("INSERT INTO triggers(queue, payload, status, attempts, max_attempts, "
                             "visible_ms, created_ms, updated_ms) VALUES (?, ?, 'ready', 0, ?, ?, ?, ?)");
  s.bind(1, name_).bind(2, toJsonText(payload)).bind(3, int64_t(std::max(1, maxAttempts)));
  s.bind(4, now).bind(5, now).bind(6, now);
  if (llvm::Error e = s.run())
    return e;
  return store_.lastInsertRowId();
}

llvm::Expected<std::optional<TriggerItem>> TriggerQueue::lease(TimeMs now, int64_t visibilityMs) {
  // Two consumers must never lease the same item: pick and update in one transaction.
  if (!store_.inTransaction()) {
    std::optional<TriggerItem> out;
    llvm::Error e = store_.transact([&]() -> llvm::Error {
      llvm::Expected<std::optional<TriggerItem>> item = lease(now, visibilityMs);
      if (!item)
        return item.takeError();
      out = std::move(*item);
      return llvm::Error::success();
    });
    if (e)
      return e;
    return out;
  }
  // Expired leases that used their last attempt go to the dead letters first.
  if (llvm::Error e = store_
                          .stmt("UPDATE triggers SET status = 'dead', updated_ms = ?, last_error = "
                                "coalesce(last_error, 'the lease expired without an ack') "
                                "WHERE queue = ? AND status = 'leased' AND visible_ms <= ? "
                                "AND attempts >= max_attempts")
                          .bind(1, now)
                          .bind(2, name_)
                          .bind(3, now)
                          .run())
    return e;
  Statement &pick = store_.stmt("SELECT " TRIGGER_COLUMNS " FROM triggers WHERE queue = ? AND "
                                "status IN ('ready', 'leased') AND visible_ms <= ? "
                                "ORDER BY visible_ms, id LIMIT 1");
  pick.bind(1, name_).bind(2, now);
  llvm::Expected<std::vector<TriggerItem>> items = readAll(pick);
  if (!items)
    return items.takeError();
  if (items->empty())
    return std::nullopt;
  TriggerItem item = std::move(items->front());
  item.attempts += 1;
  item.status = "leased";
  item.visibleMs = now + visibilityMs;
  if (llvm::Error e = store_
                          .stmt("UPDATE triggers SET status = 'leased', attempts = ?, visible_ms = ?, "
                                "updated_ms = ? WHERE id = ?")
                          .bind(1, int64_t(item.attempts))
                          .bind(2, item.visibleMs)
                          .bind(3, now)
                          .bind(4, item.id)
                          .run())
    return e;
  return item;
}

llvm::Error TriggerQueue::ack(int64_t id, TimeMs now) {
  return store_.stmt("UPDATE triggers SET status = 'done', updated_ms = ? WHERE id = ?")
      .bind(1, now)
      .bind(2, id)
      .run();
}

llvm::Expected<bool> TriggerQueue::fail(int64_t id, const std::string &error, TimeMs now,
                                       int64_t retryDelayMs) {
  llvm::Expected<std::optional<TriggerItem>> item = get(id);
  if (!item)
    return item.takeError();
  if (!*item)
    return llvm::createStringError(std::errc::invalid_argument, "no trigger with id %lld",
                                   static_cast<long long>(id));
  bool dead = (*item)->attempts >= (*item)->maxAttempts;
  if (llvm::Error e = store_
                          .stmt("UPDATE triggers SET status = ?, visible_ms = ?, last_error = ?, "
                                "updated_ms = ? WHERE id = ?")
                          .bind(1, dead ? "dead" : "ready")
                          .bind(2, now + retryDelayMs)
                          .bind(3, error)
                          .bind(4, now)
                          .bind(5, id)
                          .run())
    return e;
  return dead;
}

llvm::Expected<std::vector<TriggerItem>> TriggerQueue::deadLetters() {
  Statement &s = store_.stmt("SELECT " TRIGGER_COLUMNS
                             " FROM triggers WHERE queue = ? AND status = 'dead' ORDER BY id");
  s.bind(1, name_);
  return readAll(s);
}

llvm::Expected<std::optional<TimeMs>> TriggerQueue::nextVisible() {
  Statement &s = store_.stmt("SELECT min(visible_ms) FROM triggers WHERE queue = ? AND "
                             "status IN ('ready', 'leased')");
  s.bind(1, name_);
  llvm::Expected<bool> row = s.step();
  if (!row)
    return row.takeError();
  std::optional<TimeMs> out = s.optInt64(0);
  s.reset();
  return out;
}

llvm::Expected<std::optional<TriggerItem>> TriggerQueue::get(int64_t id) {
  Statement &s = store_.stmt("SELECT " TRIGGER_COLUMNS " FROM triggers WHERE id = ?");
  s.bind(1, id);
  llvm::Expected<std::vector<TriggerItem>> items = readAll(s);
  if (!items)
    return items.takeError();
  if (items->empty())
    return std::nullopt;
  return std::move(items->front());
}

} // namespace runtime
