// LRU bookkeeping of live executions.
#include "runtime/execution_cache.h"

#include "runtime/execution.h"

namespace runtime {

ExecutionCache::ExecutionCache(size_t capacity) : capacity_(capacity ? capacity : 1) {}
ExecutionCache::~ExecutionCache() { clear(); }

LiveExecution *ExecutionCache::find(int64_t id) {
  auto it = index_.find(id);
  if (it == index_.end())
    return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second.get();
}

LiveExecution *ExecutionCache::insert(int64_t id, std::unique_ptr<LiveExecution> exec) {
  assert(!contains(id));
  lru_.emplace_front(id, std::move(exec));
  index_[id] = lru_.begin();
  return lru_.front().second.get();
}

std::unique_ptr<LiveExecution> ExecutionCache::remove(int64_t id) {
  auto it = index_.find(id);
  if (it == index_.end())
    return nullptr;
  std::unique_ptr<LiveExecution> out = std::move(it->second->second);
  lru_.erase(it->second);
  index_.erase(it);
  return out;
}

size_t ExecutionCache::evictOverflow(int64_t keepId) {
  size_t evicted = 0;
  auto it = lru_.end();
  while (index_.size() > capacity_ && it != lru_.begin()) {
    --it;
    if (it->first == keepId)
      continue;
    index_.erase(it->first);
    it = lru_.erase(it);
    ++evicted;
  }
  return evicted;
}

void ExecutionCache::clear() {
  index_.clear();
  while (!lru_.empty())
    lru_.pop_front();
}

} // namespace runtime
