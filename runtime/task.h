// C++20 coroutine types for orchestrators: Task<T> (lazy, awaitable) and DetachedTask.
#pragma once

#include <cassert>
#include <coroutine>
#include <exception>
#include <optional>
#include <unordered_set>
#include <utility>

namespace runtime {

/// A lazily started coroutine returning T. `co_await task` starts it and resumes the
/// awaiter when it finishes (symmetric transfer, so long chains use no stack).
/// Exceptions propagate to the awaiter. Destroying a Task destroys its frame, which
/// is how the engine drops a suspended orchestrator (eviction, failure).
template <class T> class [[nodiscard]] Task {
public:
  struct promise_type;
  using Handle = std::coroutine_handle<promise_type>;

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    std::coroutine_handle<> await_suspend(Handle h) noexcept {
      auto next = h.promise().continuation;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };

  struct promise_type {
    std::optional<T> value;
    std::exception_ptr exception;
    std::coroutine_handle<> continuation;
    Task get_return_object() { return Task(Handle::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    FinalAwaiter final_suspend() noexcept { return {}; }
    template <class U> void return_value(U &&v) { value.emplace(std::forward<U>(v)); }
    void unhandled_exception() { exception = std::current_exception(); }
  };

  Task() = default;
  explicit Task(Handle h) : handle_(h) {}
  Task(Task &&o) noexcept : handle_(std::exchange(o.handle_, {})) {}
  Task &operator=(Task &&o) noexcept {
    if (this != &o) {
      if (handle_)
        handle_.destroy();
      handle_ = std::exchange(o.handle_, {});
    }
    return *this;
  }
  ~Task() {
    if (handle_)
      handle_.destroy();
  }

  bool await_ready() const noexcept { return !handle_ || handle_.done(); }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
    handle_.promise().continuation = awaiter;
    return handle_;
  }
  T await_resume() {
    assert(handle_ && handle_.done());
    if (handle_.promise().exception)
      std::rethrow_exception(handle_.promise().exception);
    return std::move(*handle_.promise().value);
  }

private:
  Handle handle_;
};

/// Task<void>.
template <> class [[nodiscard]] Task<void> {
public:
  struct promise_type;
  using Handle = std::coroutine_handle<promise_type>;
  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    std::coroutine_handle<> await_suspend(Handle h) noexcept {
      auto next = h.promise().continuation;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  struct promise_type {
    std::exception_ptr exception;
    std::coroutine_handle<> continuation;
    Task get_return_object() { return Task(Handle::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    FinalAwaiter final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { exception = std::current_exception(); }
  };
  Task() = default;
  explicit Task(Handle h) : handle_(h) {}
  Task(Task &&o) noexcept : handle_(std::exchange(o.handle_, {})) {}
  Task &operator=(Task &&o) noexcept {
    if (this != &o) {
      if (handle_)
        handle_.destroy();
      handle_ = std::exchange(o.handle_, {});
    }
    return *this;
  }
  ~Task() {
    if (handle_)
      handle_.destroy();
  }
  bool await_ready() const noexcept { return !handle_ || handle_.done(); }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
    handle_.promise().continuation = awaiter;
    return handle_;
  }
  void await_resume() {
    if (handle_.promise().exception)
      std::rethrow_exception(handle_.promise().exception);
  }

private:
  Handle handle_;
};

/// A top-level coroutine owned by the engine (an execution's root, a child context).
/// It starts suspended; the engine resumes it. When it finishes, it removes itself
/// from its registry and frees its frame; the engine destroys the frames still in the
/// registry when it drops the execution.
class DetachedTask {
public:
  struct promise_type {
    std::unordered_set<void *> *registry = nullptr;
    DetachedTask get_return_object() {
      return DetachedTask(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct FinalAwaiter {
      bool await_ready() noexcept { return false; }
      void await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        if (h.promise().registry)
          h.promise().registry->erase(h.address());
        h.destroy();
      }
      void await_resume() noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::terminate(); } // the bodies catch everything
  };
  explicit DetachedTask(std::coroutine_handle<promise_type> h) : handle(h) {}
  /// Registers the frame and returns the handle to resume.
  std::coroutine_handle<> attach(std::unordered_set<void *> &registry) {
    handle.promise().registry = &registry;
    registry.insert(handle.address());
    return handle;
  }
  std::coroutine_handle<promise_type> handle;
};

} // namespace runtime
