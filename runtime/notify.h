// Wake-ups without polling: inotify on the store's directory plus an eventfd.
#pragma once

#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace runtime {

/// Blocks until another process writes the store (inotify reports a change of the
/// database or its WAL file), another thread calls `poke`, or a timeout passes.
/// Our own commits also show up as changes: a wake-up is a hint to look at the
/// inbox, never a message in itself.
class Notifier {
public:
  static llvm::Expected<std::unique_ptr<Notifier>> watch(const std::string &storePath);
  ~Notifier();
  /// Waits up to `timeoutMs` (-1: forever). Returns true if woken by a change or a poke.
  bool wait(int64_t timeoutMs);
  /// Wakes a waiting `wait` (from any thread).
  void poke();

private:
  Notifier(int inotifyFd, int eventFd, std::string baseName)
      : inotifyFd_(inotifyFd), eventFd_(eventFd), baseName_(std::move(baseName)) {}
  bool drainInotify();
  int inotifyFd_;
  int eventFd_;
  std::string baseName_;
};

} // namespace runtime
