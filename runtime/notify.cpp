// inotify + eventfd + poll.
#include "runtime/notify.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Path.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>

namespace runtime {

llvm::Expected<std::unique_ptr<Notifier>> Notifier::watch(const std::string &storePath) {
  llvm::StringRef dir = llvm::sys::path::parent_path(storePath);
  std::string dirPath = dir.empty() ? "." : dir.str();
  int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (in < 0)
    return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                   "cannot watch the store: inotify_init1: %s", strerror(errno));
  if (inotify_add_watch(in, dirPath.c_str(), IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO) < 0) {
    int err = errno;
    close(in);
    return llvm::createStringError(std::error_code(err, std::generic_category()),
                                   "cannot watch the store directory %s: %s", dirPath.c_str(),
                                   strerror(err));
  }
  int ev = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (ev < 0) {
    int err = errno;
    close(in);
    return llvm::createStringError(std::error_code(err, std::generic_category()),
                                   "eventfd: %s", strerror(err));
  }
  return std::unique_ptr<Notifier>(
      new Notifier(in, ev, llvm::sys::path::filename(storePath).str()));
}

Notifier::~Notifier() {
  close(inotifyFd_);
  close(eventFd_);
}

bool Notifier::drainInotify() {
  bool relevant = false;
  alignas(struct inotify_event) char buf[4096];
  while (true) {
    ssize_t n = read(inotifyFd_, buf, sizeof buf);
    if (n <= 0)
      break;
    for (char *p = buf; p < buf + n;) {
      auto *e = reinterpret_cast<struct inotify_event *>(p);
      // The database, its -wal and -journal files; anything else in the folder is noise.
      if (e->len == 0 || llvm::StringRef(e->name).startswith(baseName_))
        relevant = true;
      p += sizeof(struct inotify_event) + e->len;
    }
  }
  return relevant;
}

bool Notifier::wait(int64_t timeoutMs) {
  using namespace std::chrono;
  auto deadline = steady_clock::now() + milliseconds(timeoutMs < 0 ? 0 : timeoutMs);
  while (true) {
    int timeout = -1;
    if (timeoutMs >= 0) {
      int64_t left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
      timeout = static_cast<int>(std::clamp<int64_t>(left, 0, INT_MAX));
    }
    struct pollfd fds[2] = {{inotifyFd_, POLLIN, 0}, {eventFd_, POLLIN, 0}};
    int n = poll(fds, 2, timeout);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    bool woken = false;
    if (fds[1].revents & POLLIN) {
      uint64_t v;
      while (read(eventFd_, &v, sizeof v) > 0) {
      }
      woken = true;
    }
    if ((fds[0].revents & POLLIN) && drainInotify())
      woken = true;
    if (woken)
      return true;
    // Only unrelated files in the folder changed: keep waiting until the deadline.
  }
}

void Notifier::poke() {
  uint64_t one = 1;
  ssize_t r = write(eventFd_, &one, sizeof one);
  (void)r;
}

} // namespace runtime
