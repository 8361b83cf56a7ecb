/// \file
/// The durable store: one SQLite database in WAL mode that is the source of truth
/// for executions, their journals, callbacks, timers, the inbox and the trigger
/// queue (architecture decision 6).
///
/// `Store` is a thin adapter over the SQLite C API: it opens the database with the
/// pragmas the engine relies on (WAL, a busy timeout so concurrent writers queue
/// instead of failing), creates or upgrades versioned schemas, runs transactions and
/// caches prepared statements. Every SQLite failure becomes an `llvm::Error` naming
/// the database and what was being done. The tables themselves are documented in
/// docs/runtime.md; the SQL that touches each one lives next to its concept
/// (journal.cpp, callbacks.cpp, timers.cpp, executions.cpp, inbox.cpp,
/// trigger_queue.cpp).
///
/// Writers never hold a transaction across a wait: the engine commits each turn, and
/// `ci-exec callback` in another process commits one small transaction, so writers
/// serialise through SQLite's lock and the busy timeout.
#pragma once

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace runtime {

class Store;

/// A prepared statement. Bind parameters (1-based), `step()` through rows, read
/// columns (0-based). Statements from `Store::stmt` are cached and reset on reuse.
class Statement {
public:
  Statement(Store &store, sqlite3_stmt *stmt, const char *sql)
      : store_(store), stmt_(stmt), sql_(sql) {}
  ~Statement();
  Statement(const Statement &) = delete;
  Statement &operator=(const Statement &) = delete;

  Statement &bind(int index, int64_t value);
  Statement &bind(int index, llvm::StringRef text);
  Statement &bind(int index, const std::string &text) { return bind(index, llvm::StringRef(text)); }
  Statement &bind(int index, const char *text) { return bind(index, llvm::StringRef(text)); }
  Statement &bind(int index, const std::optional<std::string> &text);
  Statement &bindNull(int index);
  /// Runs one step: true when a row is available, false when done.
  llvm::Expected<bool> step();
  /// Steps through every row, calling `each()` while the statement is on it; the
  /// statement is reset after.
  template <typename Each> llvm::Error forEach(Each each) {
    while (true) {
      llvm::Expected<bool> row = step();
      if (!row) {
        reset();
        return row.takeError();
      }
      if (!*row)
        break;
      each();
    }
    reset();
    return llvm::Error::success();
  }
  /// Steps through every row, mapping each with `read`; the statement is reset after.
  template <typename Read>
  auto collect(Read read) -> llvm::Expected<std::vector<decltype(read(*this))>> {
    std::vector<decltype(read(*this))> out;
    if (llvm::Error e = forEach([&] { out.push_back(read(*this)); }))
      return e;
    return out;
  }
  /// Runs the statement to completion (for writes).
  llvm::Error run();
  void reset();

  int64_t int64(int col) const;
  std::string text(int col) const;
  std::optional<std::string> optText(int col) const;
  std::optional<int64_t> optInt64(int col) const;
  bool isNull(int col) const;

private:
  Store &store_;
  sqlite3_stmt *stmt_;
  const char *sql_;
};

/// How to open a store.
struct StoreOptions {
  /// SQLite `synchronous` level: "NORMAL" (default; a committed transaction survives
  /// a process crash, the last ones may be lost on power failure), "FULL" (survives
  /// power failure), "OFF" (tests and simulations only).
  std::string synchronous = "NORMAL";
  /// How long a writer waits for another process's transaction, in milliseconds.
  int busyTimeoutMs = 10'000;
  /// WAL pages after which a commit checkpoints (SQLite's default is 1,000).
  int walAutocheckpointPages = 10'000;
  /// Page cache size in KiB (SQLite's default is 2,000).
  int cacheKiB = 65'536;
};

/// The schema version of the engine's tables (component "engine").
constexpr int kEngineSchemaVersion = 1;

class Store {
public:
  /// Opens (creating if needed) the database at `path` and brings the engine schema
  /// to `kEngineSchemaVersion`. Fails if the file is not a database or was written by
  /// a newer version.
  static llvm::Expected<std::unique_ptr<Store>> open(const std::string &path,
                                                     const StoreOptions &options = {});
  ~Store();
  Store(const Store &) = delete;
  Store &operator=(const Store &) = delete;

  const std::string &path() const { return path_; }

  /// Creates or upgrades the tables of one component. `migrations[i]` brings the
  /// component from version i to i+1; the version is kept in `schema_versions`.
  /// Components other than "engine" (e.g. an orchestrator's state tables) use this
  /// to version their own tables in the same database.
  llvm::Error ensureSchema(llvm::StringRef component, const std::vector<const char *> &migrations);
  /// The stored version of a component (0 when absent).
  llvm::Expected<int> schemaVersion(llvm::StringRef component);

  /// BEGIN IMMEDIATE: takes the write lock now, so a turn never fails half-way on a
  /// lock upgrade.
  llvm::Error begin();
  llvm::Error commit();
  /// Rolls back the open transaction, if any. Never fails (errors are logged in the
  /// return value of the next operation).
  void rollback();
  bool inTransaction() const { return inTransaction_; }
  /// Runs `fn` in its own transaction, committing on success and rolling back on error.
  llvm::Error transact(const std::function<llvm::Error()> &fn);

  /// A cached prepared statement for `sql` (a string literal: it is cached by address).
  Statement &stmt(const char *sql);
  /// Copies the write-ahead log into the database and truncates it, so rows deleted
  /// since (a finished run's secrets) are no longer on disk in older page versions.
  llvm::Error checkpointTruncate();
  /// Executes SQL text with no parameters and no result rows.
  llvm::Error exec(const char *sql);
  int64_t changes() const;
  int64_t lastInsertRowId() const;

  /// Fault injection for tests and simulation: called before each write statement
  /// and each commit with a short description; returning true makes that write fail
  /// with an "injected fault" error, as if the process had died there. The fault
  /// sticks: every later write and commit fails too (a dead process writes nothing
  /// more, even if a step body swallowed the first error), until the hook is replaced.
  void setFaultHook(std::function<bool(llvm::StringRef)> hook) {
    faultHook_ = std::move(hook);
    faulted_ = false;
  }
  bool shouldFault(llvm::StringRef what) {
    if (!faulted_ && faultHook_ && faultHook_(what))
      faulted_ = true;
    return faulted_;
  }

  /// An error naming this store, what was being done and SQLite's message.
  llvm::Error error(llvm::StringRef doing) const;
  sqlite3 *handle() const { return db_; }

private:
  Store(std::string path, sqlite3 *db) : path_(std::move(path)), db_(db) {}

  std::string path_;
  sqlite3 *db_;
  bool inTransaction_ = false;
  llvm::DenseMap<const char *, std::unique_ptr<Statement>> cache_;
  std::function<bool(llvm::StringRef)> faultHook_;
  bool faulted_ = false;
};

} // namespace runtime
