// Concurrency groups across runs: acquire, release, promotion of the pending item.
#include "runtime/concurrency_groups.h"

namespace runtime {
namespace groups {

llvm::StringRef outcomeName(Outcome o) {
  switch (o) {
  case Outcome::Granted: return "granted";
  case Outcome::Pending: return "pending";
  case Outcome::Rejected: return "rejected";
  }
  return "";
}

namespace {

struct Row {
  std::string holder, state, name, execution, instance, wakeToken;
};

llvm::Expected<std::vector<Row>> load(Store &store, llvm::StringRef groupKey) {
  Statement &s = store.stmt(
      "SELECT holder, state, name, execution, COALESCE(instance, ''), COALESCE(wake_token, '') "
      "FROM ci_groups WHERE group_key = ? ORDER BY state = 'pending', seq");
  s.bind(1, groupKey);
  std::vector<Row> out;
  if (llvm::Error e = s.forEach([&] {
        out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)});
      }))
    return e;
  return out;
}

llvm::Error remove(Store &store, llvm::StringRef groupKey, llvm::StringRef holder) {
  return store.stmt("DELETE FROM ci_groups WHERE group_key = ? AND holder = ?")
      .bind(1, groupKey)
      .bind(2, holder)
      .run();
}

llvm::Error insert(Store &store, const GroupClaim &group, const Holder &holder, llvm::StringRef state,
                   llvm::StringRef wakeToken) {
  Statement &s = store.stmt(
      "INSERT OR REPLACE INTO ci_groups(group_key, holder, state, name, execution, instance, "
      "wake_token, seq) VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM ci_groups))");
  s.bind(1, group.key).bind(2, holder.key()).bind(3, state).bind(4, group.name).bind(5, holder.execution);
  if (holder.instance.empty())
    s.bindNull(6);
  else
    s.bind(6, holder.instance);
  return s.bind(7, wakeToken).run();
}

/// False when the item's execution has finished without leaving the group (it failed
/// before its end, e.g. over its operation budget): its row is stale.
llvm::Expected<bool> live(Store &store, const Row &r) {
  Statement &s = store.stmt("SELECT status FROM executions WHERE name = ?");
  s.bind(1, r.execution);
  llvm::Expected<bool> row = s.step();
  if (!row) {
    s.reset();
    return row.takeError();
  }
  bool running = *row && s.text(0) == "running";
  s.reset();
  return running;
}

/// The rows of a group without stale ones (which are deleted).
llvm::Expected<std::vector<Row>> loadLive(Store &store, llvm::StringRef groupKey) {
  llvm::Expected<std::vector<Row>> rows = load(store, groupKey);
  if (!rows)
    return rows.takeError();
  std::vector<Row> out;
  for (Row &r : *rows) {
    llvm::Expected<bool> ok = live(store, r);
    if (!ok)
      return ok.takeError();
    if (*ok) {
      out.push_back(std::move(r));
      continue;
    }
    if (llvm::Error e = remove(store, groupKey, r.holder))
      return e;
  }
  return out;
}

} // namespace

llvm::Expected<Outcome> acquire(Store &store, const GroupClaim &group, const Holder &holder,
                                llvm::StringRef wakeToken, TimeMs now,
                                const ci::CallbackCompleter &complete) {
  llvm::Expected<std::vector<Row>> rows = loadLive(store, group.key);
  if (!rows)
    return rows.takeError();
  const Row *running = nullptr;
  std::vector<const Row *> pending;
  for (const Row &r : *rows) {
    if (r.holder == holder.key())
      return r.state == "running" ? Outcome::Granted : Outcome::Pending; // asked again (replay)
    if (r.state == "running")
      running = &r;
    else
      pending.push_back(&r);
  }
  if (!running) {
    if (llvm::Error e = insert(store, group, holder, "running", wakeToken))
      return e;
    return Outcome::Granted;
  }
  if (group.cancelInProgress) {
    json payload{{"reason", "concurrency"}, {"group", group.name}};
    if (!running->instance.empty())
      payload["job"] = running->instance;
    llvm::Expected<bool> posted = ci::postRequest(store, running->execution, "cancel", payload, now, complete);
    if (!posted)
      return posted.takeError();
  }
  if (group.queue == "max") {
    if (pending.size() >= 100)
      return Outcome::Rejected;
  } else {
    for (const Row *p : pending) {
      if (llvm::Error e = remove(store, group.key, p->holder))
        return e;
      if (llvm::Error e = ci::ignoreSettled(complete(p->wakeToken, json{{"cancelled", true}, {"group", group.name}})))
        return e;
    }
  }
  if (llvm::Error e = insert(store, group, holder, "pending", wakeToken))
    return e;
  return Outcome::Pending;
}

llvm::Error release(Store &store, llvm::StringRef groupKey, const Holder &holder,
                    const ci::CallbackCompleter &complete) {
  llvm::Expected<std::vector<Row>> rows = loadLive(store, groupKey);
  if (!rows)
    return rows.takeError();
  const Row *mine = nullptr;
  const Row *next = nullptr;
  for (const Row &r : *rows) {
    if (r.holder == holder.key())
      mine = &r;
    else if (r.state == "pending" && !next)
      next = &r;
  }
  if (!mine)
    return llvm::Error::success();
  if (llvm::Error e = remove(store, groupKey, mine->holder))
    return e;
  if (mine->state != "running" || !next)
    return llvm::Error::success();
  if (llvm::Error e = store.stmt("UPDATE ci_groups SET state = 'running' WHERE group_key = ? AND holder = ?")
                          .bind(1, groupKey)
                          .bind(2, next->holder)
                          .run())
    return e;
  return ci::ignoreSettled(complete(next->wakeToken, json{{"granted", true}}));
}

llvm::Expected<std::vector<std::pair<std::string, std::string>>> members(Store &store,
                                                                         llvm::StringRef groupKey) {
  llvm::Expected<std::vector<Row>> rows = load(store, groupKey);
  if (!rows)
    return rows.takeError();
  std::vector<std::pair<std::string, std::string>> out;
  for (const Row &r : *rows)
    out.push_back({r.holder, r.state});
  return out;
}

} // namespace groups
} // namespace runtime
