// SQLite adapter: opening in WAL mode, versioned schemas, transactions, cached statements.
#include "runtime/store.h"

#include "llvm/Support/FormatVariadic.h"

#include <sqlite3.h>

namespace runtime {

namespace {

// Version 1 of the engine's tables. docs/runtime.md documents every column.
const char *const kEngineV1 = R"sql(
CREATE TABLE executions (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  orchestrator TEXT NOT NULL,
  input        TEXT NOT NULL,
  status       TEXT NOT NULL,
  result       TEXT,
  error        TEXT,
  op_budget    INTEGER NOT NULL,
  parent_id    INTEGER,
  parent_op    TEXT,
  created_ms   INTEGER NOT NULL,
  updated_ms   INTEGER NOT NULL,
  ended_ms     INTEGER
);
CREATE INDEX executions_running ON executions(status) WHERE status = 'running';
CREATE TABLE operations (
  execution_id INTEGER NOT NULL,
  op_id        TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  type         TEXT NOT NULL,
  name         TEXT NOT NULL,
  status       TEXT NOT NULL,
  attempt      INTEGER NOT NULL DEFAULT 0,
  result       TEXT,
  error        TEXT,
  detail       TEXT,
  started_ms   INTEGER NOT NULL,
  ended_ms     INTEGER,
  PRIMARY KEY (execution_id, op_id)
) WITHOUT ROWID;
CREATE TABLE callbacks (
  token                 TEXT PRIMARY KEY,
  execution_id          INTEGER NOT NULL,
  op_id                 TEXT NOT NULL,
  name                  TEXT NOT NULL,
  status                TEXT NOT NULL,
  timeout_ms            INTEGER,
  heartbeat_timeout_ms  INTEGER,
  deadline_ms           INTEGER,
  heartbeat_deadline_ms INTEGER,
  result                TEXT,
  error                 TEXT,
  created_ms            INTEGER NOT NULL,
  completed_ms          INTEGER
) WITHOUT ROWID;
CREATE INDEX callbacks_by_op ON callbacks(execution_id, op_id);
CREATE TABLE timers (
  execution_id INTEGER NOT NULL,
  op_id        TEXT NOT NULL,
  kind         TEXT NOT NULL,
  fire_ms      INTEGER NOT NULL,
  PRIMARY KEY (execution_id, op_id, kind)
) WITHOUT ROWID;
CREATE TABLE inbox (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  execution_id INTEGER NOT NULL,
  op_id        TEXT NOT NULL,
  created_ms   INTEGER NOT NULL
);
CREATE TABLE triggers (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  queue        TEXT NOT NULL,
  payload      TEXT NOT NULL,
  status       TEXT NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  visible_ms   INTEGER NOT NULL,
  last_error   TEXT,
  created_ms   INTEGER NOT NULL,
  updated_ms   INTEGER NOT NULL
);
CREATE INDEX triggers_ready ON triggers(queue, status, visible_ms);
)sql";

} // namespace

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement &Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement &Statement::bind(int index, llvm::StringRef text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement &Statement::bind(int index, const std::optional<std::string> &text) {
  return text ? bind(index, llvm::StringRef(*text)) : bindNull(index);
}
Statement &Statement::bindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

llvm::Expected<bool> Statement::step() {
  if (!sqlite3_stmt_readonly(stmt_) && store_.shouldFault(sql_)) {
    reset();
    return llvm::createStringError(std::errc::io_error, "injected fault before write");
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  llvm::Error err = store_.error(llvm::StringRef(sql_).trim().take_front(60));
  reset();
  return err;
}

llvm::Error Statement::run() {
  llvm::Expected<bool> row = step();
  if (!row)
    return row.takeError();
  reset();
  return llvm::Error::success();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }
std::string Statement::text(int col) const {
  const unsigned char *p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char *>(p),
                         static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}
std::optional<std::string> Statement::optText(int col) const {
  if (isNull(col))
    return std::nullopt;
  return text(col);
}
std::optional<int64_t> Statement::optInt64(int col) const {
  if (isNull(col))
    return std::nullopt;
  return int64(col);
}
bool Statement::isNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

llvm::Expected<std::unique_ptr<Store>> Store::open(const std::string &path,
                                                   const StoreOptions &options) {
  sqlite3 *db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return llvm::createStringError(std::errc::io_error, "cannot open store %s: %s", path.c_str(),
                                   msg.c_str());
  }
  std::unique_ptr<Store> store(new Store(path, db));
  sqlite3_busy_timeout(db, options.busyTimeoutMs);
  if (llvm::Error e = store->exec("PRAGMA journal_mode=WAL"))
    return e;
  std::string sync = "PRAGMA synchronous=" + options.synchronous;
  if (sqlite3_exec(db, sync.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    return store->error("setting synchronous mode");
  // Fewer, larger checkpoints (a page rewritten by many turns is copied back once) and
  // a page cache that holds the working set of a large run.
  std::string tuning = "PRAGMA wal_autocheckpoint=" + std::to_string(options.walAutocheckpointPages) +
                       "; PRAGMA cache_size=-" + std::to_string(options.cacheKiB) +
                       // Deleted rows (a finished run's secrets) are overwritten, not left
                       // in free space.
                       "; PRAGMA secure_delete=FAST";
  if (sqlite3_exec(db, tuning.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    return store->error("setting the checkpoint and cache sizes");
  if (llvm::Error e = store->exec("CREATE TABLE IF NOT EXISTS schema_versions ("
                                  "component TEXT PRIMARY KEY, version INTEGER NOT NULL)"))
    return e;
  if (llvm::Error e = store->ensureSchema("engine", {kEngineV1}))
    return e;
  return store;
}

Store::~Store() {
  if (inTransaction_)
    rollback();
  cache_.clear();
  sqlite3_close_v2(db_);
}

llvm::Expected<int> Store::schemaVersion(llvm::StringRef component) {
  Statement &s = stmt("SELECT version FROM schema_versions WHERE component = ?");
  s.bind(1, component);
  llvm::Expected<bool> row = s.step();
  if (!row)
    return row.takeError();
  int version = *row ? static_cast<int>(s.int64(0)) : 0;
  s.reset();
  return version;
}

llvm::Error Store::ensureSchema(llvm::StringRef component,
                                const std::vector<const char *> &migrations) {
  return transact([&]() -> llvm::Error {
    llvm::Expected<int> have = schemaVersion(component);
    if (!have)
      return have.takeError();
    int want = static_cast<int>(migrations.size());
    if (*have > want)
      return llvm::createStringError(
          std::errc::not_supported,
          "store %s has %s schema version %d, newer than the version %d this program knows; "
          "use a newer ci-exec or another --store",
          path_.c_str(), component.str().c_str(), *have, want);
    for (int v = *have; v < want; ++v)
      if (llvm::Error e = exec(migrations[v]))
        return e;
    if (*have == want)
      return llvm::Error::success();
    return stmt("INSERT OR REPLACE INTO schema_versions(component, version) VALUES (?, ?)")
        .bind(1, component)
        .bind(2, int64_t(want))
        .run();
  });
}

llvm::Error Store::begin() {
  assert(!inTransaction_ && "nested transaction");
  if (llvm::Error e = exec("BEGIN IMMEDIATE"))
    return e;
  inTransaction_ = true;
  return llvm::Error::success();
}

llvm::Error Store::commit() {
  assert(inTransaction_ && "commit without a transaction");
  if (shouldFault("COMMIT")) {
    rollback();
    return llvm::createStringError(std::errc::io_error, "injected fault before commit");
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    llvm::Error e = error("committing a transaction");
    rollback();
    return e;
  }
  inTransaction_ = false;
  return llvm::Error::success();
}

void Store::rollback() {
  if (!sqlite3_get_autocommit(db_))
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  inTransaction_ = false;
}

llvm::Error Store::transact(const std::function<llvm::Error()> &fn) {
  if (llvm::Error e = begin())
    return e;
  if (llvm::Error e = fn()) {
    rollback();
    return e;
  }
  return commit();
}

Statement &Store::stmt(const char *sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end())
    return *it->second;
  sqlite3_stmt *raw = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  // A statement that does not prepare is a bug in our SQL, not an operational error.
  assert(rc == SQLITE_OK && "invalid SQL in the runtime");
  (void)rc;
  auto owned = std::make_unique<Statement>(*this, raw, sql);
  Statement &ref = *owned;
  cache_[sql] = std::move(owned);
  return ref;
}

llvm::Error Store::exec(const char *sql) {
  char *msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return llvm::createStringError(std::errc::io_error, "store %s: %s (while running %s)",
                                   path_.c_str(), text.c_str(),
                                   llvm::StringRef(sql).trim().take_front(40).str().c_str());
  }
  return llvm::Error::success();
}

int64_t Store::changes() const { return sqlite3_changes(db_); }
int64_t Store::lastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

llvm::Error Store::checkpointTruncate() {
  int logFrames = 0, copied = 0;
  if (sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &logFrames, &copied) != SQLITE_OK)
    return error("checkpointing the write-ahead log");
  return llvm::Error::success();
}

llvm::Error Store::error(llvm::StringRef doing) const {
  return llvm::createStringError(std::errc::io_error, "store %s: %s (while %s)", path_.c_str(),
                                 sqlite3_errmsg(db_), doing.str().c_str());
}

} // namespace runtime
