// A size-bounded LRU cache of live (in-memory, suspended) executions.
#pragma once

#include "llvm/ADT/DenseMap.h"

#include <cstdint>
#include <list>
#include <memory>

namespace runtime {

class LiveExecution;

/// Owns the live executions. `find` marks an execution as most recently used;
/// `evictOverflow` drops the least recently used ones beyond the capacity (their
/// coroutine frames are destroyed; the journal re-hydrates them on their next event).
class ExecutionCache {
public:
  explicit ExecutionCache(size_t capacity);
  ~ExecutionCache();

  LiveExecution *find(int64_t id);
  bool contains(int64_t id) const { return index_.count(id) != 0; }
  LiveExecution *insert(int64_t id, std::unique_ptr<LiveExecution> exec);
  std::unique_ptr<LiveExecution> remove(int64_t id);
  /// Evicts least recently used executions until the size is within capacity, never
  /// `keepId`. Returns how many were evicted.
  size_t evictOverflow(int64_t keepId);
  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }
  void clear();

private:
  using Entry = std::pair<int64_t, std::unique_ptr<LiveExecution>>;
  size_t capacity_;
  std::list<Entry> lru_; ///< most recently used first
  llvm::DenseMap<int64_t, std::list<Entry>::iterator> index_;
};

} // namespace runtime
