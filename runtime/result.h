// The outcome of a durable operation: a JSON value or an error message.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>

namespace runtime {

using json = nlohmann::json;

/// What a step, callback, child context, invoke, wait or execution produced. These
/// are journaled domain outcomes (a job failed, a callback timed out), not operational
/// failures of the engine, which are `llvm::Error`s. A failure carries a message only.
class Result {
public:
  Result() = default;
  static Result success(json value = nullptr) {
    Result r;
    r.ok_ = true;
    r.value_ = std::move(value);
    return r;
  }
  static Result failure(std::string message) {
    Result r;
    r.ok_ = false;
    r.error_ = std::move(message);
    return r;
  }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  /// The value of a success (null for a failure).
  const json &value() const { return value_; }
  /// The message of a failure (empty for a success).
  const std::string &error() const { return error_; }

private:
  bool ok_ = true;
  json value_;
  std::string error_;
};

/// JSON text of a value; invalid UTF-8 in strings is replaced rather than thrown on.
inline std::string toJsonText(const json &value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace runtime
