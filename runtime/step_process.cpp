// One step process: process group, merged output lines, deadline, cancellation.
#include "runtime/step_process.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace runtime {

namespace {

int gSignalPipe[2] = {-1, -1};
volatile sig_atomic_t gCancel = 0;

void onSignal(int sig) {
  int saved = errno;
  if (sig == SIGINT || sig == SIGTERM)
    gCancel = 1;
  char c = static_cast<char>(sig);
  (void)!::write(gSignalPipe[1], &c, 1);
  errno = saved;
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void drainSignalPipe() {
  char buf[64];
  while (::read(gSignalPipe[0], buf, sizeof buf) > 0) {
  }
}

} // namespace

void installSupervisorSignals() {
  if (gSignalPipe[0] >= 0)
    return;
  if (::pipe2(gSignalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
    return;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = onSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGCHLD, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGHUP, SIG_IGN);
}

bool cancelRequested() { return gCancel != 0; }
void requestCancel() { gCancel = 1; }

std::string findOnPath(llvm::StringRef program, llvm::StringRef path) {
  if (program.contains('/'))
    return ::access(program.str().c_str(), X_OK) == 0 ? program.str() : "";
  llvm::SmallVector<llvm::StringRef, 16> dirs;
  path.split(dirs, ':', -1, false);
  for (llvm::StringRef d : dirs) {
    std::string full = d.str() + "/" + program.str();
    struct stat st;
    if (::stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(full.c_str(), X_OK) == 0)
      return full;
  }
  return "";
}

namespace {

int gWatcherFd = -1; ///< the write end of the group watcher's pipe

/// Tells the watcher that group `pgid` exists ('+') or is gone ('-').
void tellWatcher(char what, int pgid) {
  if (gWatcherFd < 0)
    return;
  char line[32];
  int n = std::snprintf(line, sizeof line, "%c%d\n", what, pgid);
  if (n > 0)
    (void)!::write(gWatcherFd, line, static_cast<size_t>(n));
}

/// The watcher's body: registered groups until EOF, then SIGKILL to each.
[[noreturn]] void watchGroups(int readFd) {
  std::vector<int> groups;
  std::string pending;
  char buf[4096];
  while (true) {
    ssize_t n = ::read(readFd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    pending.append(buf, static_cast<size_t>(n));
    size_t start = 0, nl;
    while ((nl = pending.find('\n', start)) != std::string::npos) {
      int pgid = std::atoi(pending.c_str() + start + 1);
      if (pgid > 0 && pending[start] == '+')
        groups.push_back(pgid);
      else if (pgid > 0)
        groups.erase(std::remove(groups.begin(), groups.end(), pgid), groups.end());
      start = nl + 1;
    }
    pending.erase(0, start);
  }
  for (int g : groups)
    ::kill(-g, SIGKILL);
  ::_exit(0);
}

} // namespace

void startGroupWatcher() {
  if (gWatcherFd >= 0)
    return;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return;
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  if (pid == 0) {
    ::close(fds[1]);
    // Signals for the supervisor (a cancel) are not the watcher's; it ends at EOF.
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
      ::sigaction(sig, &sa, nullptr);
    sa.sa_handler = SIG_DFL;
    ::sigaction(SIGCHLD, &sa, nullptr);
    watchGroups(fds[0]);
  }
  ::close(fds[0]);
  gWatcherFd = fds[1];
}

void killGroups(const std::vector<int> &groups) {
  for (int g : groups)
    if (g > 0) {
      ::kill(-g, SIGKILL);
      tellWatcher('-', g);
    }
}

ProcessOutcome runStepProcess(const ProcessSpec &spec, const ProcessHooks &hooks, std::vector<int> &leftovers) {
  installSupervisorSignals();
  ProcessOutcome out;
  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
    out.error = std::string("pipe: ") + std::strerror(errno);
    return out;
  }
  std::vector<char *> argv, envp;
  for (const std::string &a : spec.argv)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  for (const std::string &e : spec.env)
    envp.push_back(const_cast<char *>(e.c_str()));
  envp.push_back(nullptr);
  int nullFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  // Errors of the child before exec come back through this pipe.
  int errPipe[2];
  if (::pipe2(errPipe, O_CLOEXEC) != 0) {
    out.error = std::string("pipe: ") + std::strerror(errno);
    return out;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    out.error = std::string("fork: ") + std::strerror(errno);
    return out;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGPIPE, SIGHUP})
      ::sigaction(s, &sa, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(nullFd, 0);
    ::dup2(pipeFds[1], 1);
    ::dup2(pipeFds[1], 2);
    const char *what = "chdir";
    if (spec.cwd.empty() || ::chdir(spec.cwd.c_str()) == 0) {
      what = "exec";
      ::execve(argv[0], argv.data(), envp.data());
    }
    int err = errno;
    char msg[256];
    int n = std::snprintf(msg, sizeof msg, "%s: %s", what, std::strerror(err));
    (void)!::write(errPipe[1], msg, n > 0 ? n : 0);
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  tellWatcher('+', pid);
  ::close(pipeFds[1]);
  ::close(errPipe[1]);
  if (nullFd >= 0)
    ::close(nullFd);
  {
    char msg[256];
    ssize_t n = ::read(errPipe[0], msg, sizeof msg);
    ::close(errPipe[0]);
    if (n > 0) {
      int st;
      ::waitpid(pid, &st, 0);
      tellWatcher('-', pid);
      ::close(pipeFds[0]);
      out.error = std::string(msg, n);
      if (llvm::StringRef(out.error).startswith("chdir"))
        out.error += " (" + spec.cwd + ")";
      else
        out.error += " (" + spec.argv[0] + ")";
      return out;
    }
  }
  int outFd = pipeFds[0];
  ::fcntl(outFd, F_SETFL, O_NONBLOCK);
  std::string partial;
  auto feed = [&](const char *data, size_t n) {
    partial.append(data, n);
    size_t start = 0, nl;
    while ((nl = partial.find('\n', start)) != std::string::npos) {
      if (hooks.onLine)
        hooks.onLine(llvm::StringRef(partial).substr(start, nl - start));
      start = nl + 1;
    }
    partial.erase(0, start);
    if (partial.size() > (1 << 20)) { // a 1 MiB line without newline: emit it as is
      if (hooks.onLine)
        hooks.onLine(partial);
      partial.clear();
    }
  };
  auto drain = [&]() -> bool { // false at EOF
    char buf[65536];
    while (true) {
      ssize_t n = ::read(outFd, buf, sizeof buf);
      if (n > 0) {
        feed(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0)
        return false;
      if (errno == EINTR)
        continue;
      return errno == EAGAIN;
    }
  };
  int64_t start = nowMs();
  int64_t deadline = spec.timeoutMs > 0 ? start + spec.timeoutMs : 0;
  int64_t nextTick = start + hooks.tickMs;
  int64_t killAt = 0;
  bool outOpen = true, exited = false, cancelSeen = false;
  int status = 0;
  while (!exited) {
    int64_t now = nowMs();
    if (deadline && now >= deadline && !out.timedOut) {
      out.timedOut = true;
      ::kill(-pid, SIGKILL);
    }
    if (cancelRequested() && !cancelSeen) {
      cancelSeen = true;
      if (!hooks.stopOnCancel || hooks.stopOnCancel()) {
        out.cancelled = true;
        ::kill(-pid, SIGINT);
        killAt = now + spec.cancelGraceMs;
      }
    }
    if (killAt && now >= killAt) {
      ::kill(-pid, SIGKILL);
      killAt = 0;
    }
    if (now >= nextTick) {
      if (hooks.onTick)
        hooks.onTick();
      nextTick = now + hooks.tickMs;
    }
    int64_t wait = nextTick - now;
    if (deadline && !out.timedOut)
      wait = std::min(wait, deadline - now);
    if (killAt)
      wait = std::min(wait, killAt - now);
    struct pollfd fds[2] = {{gSignalPipe[0], POLLIN, 0}, {outOpen ? outFd : -1, POLLIN, 0}};
    int r = ::poll(fds, 2, static_cast<int>(std::max<int64_t>(wait, 0)));
    if (r < 0 && errno != EINTR)
      break;
    if (fds[0].revents)
      drainSignalPipe();
    if (outOpen && fds[1].revents)
      outOpen = drain();
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid)
      exited = true;
  }
  if (outOpen)
    drain(); // what the process wrote before it exited; a background child may keep the pipe open
  if (!partial.empty() && hooks.onLine)
    hooks.onLine(partial);
  ::close(outFd);
  if (WIFEXITED(status))
    out.exitCode = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    out.signal = WTERMSIG(status);
  // Anything of the group still alive is a background child: killed at the job's end.
  if (::kill(-pid, 0) == 0)
    leftovers.push_back(pid);
  else
    tellWatcher('-', pid);
  return out;
}

} // namespace runtime
