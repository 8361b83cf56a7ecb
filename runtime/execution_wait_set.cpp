// Wait sets: `next` hands out settled members one at a time, O(1) per member.
#include "runtime/engine.h"
#include "runtime/execution.h"
#include "runtime/journal.h"

#include <cassert>
#include <deque>
#include <optional>

namespace runtime {

/// The members of a wait set and those that have settled but were not handed out.
struct WaitSetState {
  std::vector<OpRef> members;
  std::vector<uint8_t> taken;  ///< handed out (live, or by a recorded `next` on replay)
  size_t takenCount = 0;
  std::deque<uint32_t> ready;  ///< settled members in settle order (taken ones skipped lazily)
  OpRef waiting;               ///< the pending `next` operation, if any
  LiveExecution *exec = nullptr;

  /// The first settled member not handed out yet, marked taken.
  std::optional<uint32_t> take() {
    while (!ready.empty()) {
      uint32_t i = ready.front();
      ready.pop_front();
      if (!taken[i] && members[i]->settled) {
        taken[i] = 1;
        ++takenCount;
        return i;
      }
    }
    return std::nullopt;
  }
};

WaitSet::WaitSet() : state_(std::make_unique<WaitSetState>()) {}

WaitSet::~WaitSet() {
  for (const OpRef &m : state_->members)
    if (m->waitSet == state_.get())
      m->waitSet = nullptr;
}

size_t WaitSet::add(const Future &future) {
  WaitSetState &s = *state_;
  uint32_t index = static_cast<uint32_t>(s.members.size());
  OpState &op = *future.state();
  assert(!op.waitSet && "an operation belongs to at most one wait set");
  s.members.push_back(future.state());
  s.taken.push_back(0);
  if (!op.settled) {
    op.waitSet = &s;
    op.waitSetIndex = index;
  } else if (s.waiting && s.exec) {
    s.exec->onMemberSettled(s, index);
  } else {
    s.ready.push_back(index);
  }
  return index;
}

size_t WaitSet::size() const { return state_->members.size(); }
size_t WaitSet::outstanding() const { return state_->members.size() - state_->takenCount; }

AnyFuture LiveExecution::next(DurableContext &ctx, std::string name, WaitSet &set) {
  Begun b = begin(ctx, OpType::Any, std::move(name));
  OpRef op = b.state;
  if (b.dead)
    return AnyFuture(Future(op));
  WaitSetState &s = *set.state_;
  s.exec = this;
  if (b.rec && b.rec->settled()) {
    op->settled = true;
    op->result = b.rec->outcome();
    if (!op->result.ok()) {
      op->winner = op->result;
      return AnyFuture(Future(op));
    }
    size_t index = op->result.value().value("index", size_t(0));
    if (index < s.members.size() && !s.taken[index] && s.members[index]->settled) {
      s.taken[index] = 1;
      ++s.takenCount;
      op->winner = s.members[index]->result;
    } else {
      op->winner = Result::failure("next \"" + op->name + "\": the selected operation has not "
                                   "settled on replay");
    }
    return AnyFuture(Future(op));
  }
  std::optional<Result> now;
  if (std::optional<uint32_t> index = s.take()) {
    now = Result::success(json{{"index", *index}});
    op->winner = s.members[*index]->result;
  } else if (s.takenCount == s.members.size()) {
    now = Result::failure("next \"" + op->name + "\": the wait set has nothing outstanding");
    op->winner = *now;
  }
  if (now) {
    if (b.rec)
      check(journal::settle(engine_.store(), record_.id, op->id, *now, this->now()).takeError());
    else
      record(*op, now->ok() ? OpStatus::Succeeded : OpStatus::Failed, *now);
    op->settled = true;
    op->result = std::move(*now);
    return AnyFuture(Future(op));
  }
  s.waiting = op;
  pending_[op->id] = op;
  return AnyFuture(Future(op));
}

void LiveExecution::onMemberSettled(WaitSetState &s, uint32_t index) {
  s.ready.push_back(index);
  if (!s.waiting || s.waiting->settled)
    return;
  std::optional<uint32_t> pick = s.take();
  if (!pick)
    return;
  OpRef op = std::move(s.waiting);
  s.waiting = nullptr;
  op->winner = s.members[*pick]->result;
  Result r = Result::success(json{{"index", *pick}});
  journalSettled(op, r);
  if (!ioError_)
    settle(op, std::move(r));
}

} // namespace runtime
