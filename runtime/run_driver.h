// Drives the engine together with the in-process completion sources (the sim provider).
#pragma once

#include "runtime/engine.h"
#include "runtime/provider_registry.h"

#include <functional>

namespace runtime {

/// Handles events until `done()` holds: runs the engine until idle, delivers the
/// completions that are due, and waits for the next thing: a completion, a timer or
/// another process's write to the store. On a virtual clock it jumps to the next
/// completion or timer instead of sleeping. Fails when nothing can happen any more
/// (a virtual clock, nothing scheduled, and no notification within `maxIdleMs`).
llvm::Error drive(Engine &engine, const ProviderRegistry &providers, const std::function<bool()> &done,
                  int64_t maxIdleMs = -1);

} // namespace runtime
