/// \file
/// The store tables of the local and sandbox providers (component `exec`), shared by
/// the provider (in the orchestrator's process) and the job supervisor (its own
/// process): one row per job attempt (`exec_jobs`), per step record (`exec_steps`) and
/// per annotation (`exec_annotations`). docs/ci-exec-local.md documents the columns;
/// the report and log commands read them.
#pragma once

#include "runtime/clock.h"
#include "runtime/result.h"
#include "runtime/store.h"

#include <optional>
#include <string>

namespace runtime {

/// Creates or upgrades the `exec` tables.
llvm::Error ensureExecSchema(Store &store);

/// Identifies a job attempt.
struct JobKey {
  std::string execution;
  std::string instance;
  int attempt = 1;
};

/// One `exec_jobs` row.
struct ExecJobRecord {
  JobKey key;
  int64_t runId = 0;
  std::string token;
  std::string provider;
  std::string state; ///< starting, running, completed, delivered
  std::optional<int64_t> pid;
  TimeMs heartbeatMs = 0;
  std::optional<std::string> report;
  std::string dir;
};

namespace execdb {

/// Records a dispatch (or refreshes the callback token of a repeated one).
llvm::Error upsertDispatch(Store &store, const JobKey &key, int64_t runId, const std::string &token,
                           const std::string &provider, const std::string &name, const std::string &dir,
                           TimeMs now);
llvm::Expected<std::optional<ExecJobRecord>> findJob(Store &store, const JobKey &key);
/// The supervisor is up: its pid, state `running`.
llvm::Error markRunning(Store &store, const JobKey &key, int64_t pid, TimeMs now);
llvm::Error heartbeat(Store &store, const JobKey &key, const std::string &currentStep, TimeMs now);
/// Completes the job: stores the report and delivers it to the job's callback (with an
/// inbox entry) in one transaction; state `delivered`, or `completed` when the token
/// is not deliverable now (the orchestrator delivers it when it finds the row).
llvm::Error complete(Store &store, const JobKey &key, const json &report, TimeMs now);
/// Rows in state `completed` (not delivered) and `running` rows whose heartbeat is
/// older than `staleBefore`.
llvm::Expected<std::vector<ExecJobRecord>> undelivered(Store &store, TimeMs staleBefore);
llvm::Error markDelivered(Store &store, const JobKey &key);

/// A step record starts / ends.
struct StepRow {
  int64_t runId = 0;
  JobKey key;
  int index = 0;
  std::string stepId, name, kind = "main";
  std::string outcome, conclusion, log, error;
};
llvm::Error stepStarted(Store &store, const StepRow &row, TimeMs now);
llvm::Error stepFinished(Store &store, const StepRow &row, TimeMs now);

struct Annotation {
  std::string level, message, file, title;
  int line = 0, col = 0, endLine = 0, endCol = 0;
};
llvm::Error addAnnotation(Store &store, const StepRow &step, const Annotation &a);

} // namespace execdb
} // namespace runtime
