// The any/all combinators of a live execution: waiting on many operations at once.
#include "runtime/engine.h"
#include "runtime/execution.h"
#include "runtime/journal.h"

namespace runtime {

// --- any / all ---

AnyFuture LiveExecution::any(DurableContext &ctx, std::string name,
                             const std::vector<Future> &futures) {
  Begun b = begin(ctx, OpType::Any, std::move(name));
  OpRef op = b.state;
  if (b.dead)
    return AnyFuture(Future(op));
  if (b.rec && b.rec->settled()) {
    op->settled = true;
    op->result = b.rec->outcome();
    size_t index = op->result.ok() ? op->result.value().value("index", size_t(0)) : 0;
    if (!op->result.ok())
      op->winner = op->result;
    else if (index < futures.size() && futures[index].state()->settled)
      op->winner = futures[index].state()->result;
    else
      op->winner = Result::failure("any \"" + op->name + "\": the selected operation has not "
                                   "settled on replay");
    return AnyFuture(Future(op));
  }
  // One pass over the inputs: stop at the first settled one, else wait on each:
  // through its waiter slot when that is free (a pointer store; the usual case, as the
  // previous any of a loop has settled), else through its listener list. No input is
  // reference-counted: pending inputs stay alive in pending_ while this any is pending.
  // Slots written before a settled input is found stay stale (the serial never becomes
  // pending).
  uint32_t serial = static_cast<uint32_t>(anyPending_.size());
  std::optional<Result> now;
  if (futures.empty())
    now = Result::failure("any \"" + op->name + "\" needs at least one operation");
  for (size_t i = 0; i < futures.size() && !now; ++i) {
    OpState &in = *futures[i].state();
    if (in.settled) {
      now = Result::success(json{{"index", i}});
      op->winner = in.result;
    } else if (in.slotSerial && anyPending(in.slotSerial)) {
      in.listeners.push_back({op.get(), static_cast<uint32_t>(i)});
      op->listenedInputs.push_back(&in);
    } else {
      in.slotAny = op.get();
      in.slotIndex = static_cast<uint32_t>(i);
      in.slotSerial = serial;
    }
  }
  if (now) {
    for (OpState *in : op->listenedInputs) {
      auto &ls = in->listeners;
      for (size_t k = 0; k < ls.size(); ++k)
        if (ls[k].first == op.get()) {
          ls[k] = ls.back();
          ls.pop_back();
          break;
        }
    }
    op->listenedInputs.clear();
    anyPending_.push_back(false); // the serial is used up, never pending
    if (!now->ok())
      op->winner = *now;
    if (b.rec)
      check(journal::settle(engine_.store(), record_.id, op->id, *now, this->now()).takeError());
    else
      record(*op, now->ok() ? OpStatus::Succeeded : OpStatus::Failed, *now);
    op->settled = true;
    op->result = std::move(*now);
    return AnyFuture(Future(op));
  }
  op->anySerial = serial;
  anyPending_.push_back(true);
  pending_[op->id] = op;
  return AnyFuture(Future(op));
}

Result LiveExecution::allResult(const OpState &comb) const {
  json values = json::array();
  for (const auto &in : comb.inputs) {
    if (!in->settled)
      return Result::failure("all \"" + comb.name + "\": operation " + in->id +
                             " has not settled on replay");
    if (!in->result.ok())
      return in->result;
    values.push_back(in->result.value());
  }
  return Result::success(std::move(values));
}

Future LiveExecution::all(DurableContext &ctx, std::string name, const std::vector<Future> &futures) {
  Begun b = begin(ctx, OpType::All, std::move(name));
  OpRef op = b.state;
  op->inputs.reserve(futures.size());
  for (const Future &f : futures)
    op->inputs.push_back(f.state());
  if (b.dead)
    return Future(op);
  if (b.rec && b.rec->settled()) {
    op->settled = true;
    // The values are not journaled twice: they are the inputs' recorded results.
    op->result = b.rec->status == OpStatus::Failed ? b.rec->outcome() : allResult(*op);
    return Future(op);
  }
  std::optional<Result> now;
  size_t remaining = 0;
  for (const auto &in : op->inputs) {
    if (in->settled && !in->result.ok()) {
      now = in->result;
      break;
    }
    remaining += !in->settled;
  }
  if (!now && remaining == 0)
    now = allResult(*op);
  if (now) {
    Result journaled = now->ok() ? Result::success(nullptr) : *now;
    if (b.rec)
      check(journal::settle(engine_.store(), record_.id, op->id, journaled, this->now()).takeError());
    else
      record(*op, now->ok() ? OpStatus::Succeeded : OpStatus::Failed, journaled);
    op->settled = true;
    op->result = std::move(*now);
    return Future(op);
  }
  if (!b.rec)
    record(*op, OpStatus::Pending, std::nullopt);
  op->remaining = remaining;
  for (size_t i = 0; i < op->inputs.size(); ++i)
    if (!op->inputs[i]->settled)
      op->inputs[i]->listeners.push_back({op.get(), static_cast<uint32_t>(i)});
  pending_[op->id] = op;
  return Future(op);
}

void LiveExecution::onInputSettled(OpState &comb, uint32_t index, const OpState &input) {
  if (comb.settled)
    return;
  auto it = pending_.find(comb.id);
  if (it == pending_.end())
    return;
  OpRef keep = it->second;
  if (comb.type == OpType::Any) {
    comb.winner = input.result;
    finishCombinator(keep, Result::success(json{{"index", index}}));
    return;
  }
  const Result &in = comb.inputs[index]->result;
  if (!in.ok())
    finishCombinator(keep, in);
  else if (--comb.remaining == 0)
    finishCombinator(keep, allResult(comb));
}

void LiveExecution::finishCombinator(const OpRef &comb, Result result) {
  // Stop listening to the inputs that have not settled. An any's waiter slots need no
  // cleanup: they become stale when its serial stops being pending.
  auto unlisten = [&](OpState &in) {
    auto &ls = in.listeners;
    for (size_t i = 0; i < ls.size(); ++i)
      if (ls[i].first == comb.get()) {
        ls[i] = ls.back();
        ls.pop_back();
        break;
      }
  };
  if (comb->type == OpType::Any) {
    anyPending_[comb->anySerial] = false;
    for (OpState *in : comb->listenedInputs)
      unlisten(*in);
    comb->listenedInputs.clear();
  } else {
    for (const auto &in : comb->inputs)
      unlisten(*in);
  }
  Result journaled = comb->type == OpType::All && result.ok() ? Result::success(nullptr) : result;
  journalSettled(comb, journaled);
  if (!ioError_)
    settle(comb, std::move(result));
}

Selected AnyFuture::await_resume() const {
  const OpState &op = *op_.state();
  if (!op.result.ok())
    return Selected{0, op.result};
  return Selected{op.result.value().value("index", size_t(0)), op.winner};
}

} // namespace runtime
