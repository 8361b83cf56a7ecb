// SQL over the inbox table.
#include "runtime/inbox.h"

namespace runtime::inbox {

llvm::Error post(Store &store, int64_t executionId, llvm::StringRef opId, TimeMs now) {
  return store.stmt("INSERT INTO inbox(execution_id, op_id, created_ms) VALUES (?, ?, ?)")
      .bind(1, executionId)
      .bind(2, opId)
      .bind(3, now)
      .run();
}

llvm::Expected<std::vector<InboxEntry>> read(Store &store, int64_t afterId) {
  Statement &s =
      store.stmt("SELECT id, execution_id, op_id FROM inbox WHERE id > ? ORDER BY id");
  s.bind(1, afterId);
  std::vector<InboxEntry> out;
  while (true) {
    llvm::Expected<bool> row = s.step();
    if (!row)
      return row.takeError();
    if (!*row)
      break;
    out.push_back({s.int64(0), s.int64(1), s.text(2)});
  }
  s.reset();
  return out;
}

llvm::Error remove(Store &store, int64_t id) {
  return store.stmt("DELETE FROM inbox WHERE id = ?").bind(1, id).run();
}

} // namespace runtime::inbox
