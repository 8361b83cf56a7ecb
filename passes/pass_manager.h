/// \file
/// A small LLVM-style pass manager. A pass is anything with `name()` and
/// `run(Unit&, AnalysisManager&)` returning the analyses it preserves.
/// Analyses (job graph, topological order, context types, ...) are computed
/// lazily on first request and cached until a pass invalidates them.
///
/// A pipeline is a comma-separated list of registered pass names
/// (`resolve-needs,expand-matrix`). A pass that reports errors stops the
/// pipeline after it. Hooks support `--print-after=PASS`,
/// `--print-after-all` and `--time-passes`.
#pragma once

#include "ir/diagnostic.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace passes {

/// Identifies an analysis; each analysis type has one static instance.
struct AnalysisKey {};

/// What a pass leaves valid.
class PreservedAnalyses {
public:
  static PreservedAnalyses all() {
    PreservedAnalyses p;
    p.all_ = true;
    return p;
  }
  static PreservedAnalyses none() { return {}; }
  PreservedAnalyses &preserve(const AnalysisKey *k) {
    keys_.insert(k);
    return *this;
  }
  template <typename A> PreservedAnalyses &preserve() { return preserve(&A::Key); }
  bool preserved(const AnalysisKey *k) const { return all_ || keys_.count(k); }
  bool allPreserved() const { return all_; }

private:
  bool all_ = false;
  llvm::SmallPtrSet<const AnalysisKey *, 8> keys_;
};

/// Caches analysis results for one unit of IR. An analysis type `A` has
/// `static AnalysisKey Key`, a `Result` type and
/// `static Result run(Unit&, AnalysisManager<Unit>&)`.
template <typename Unit> class AnalysisManager {
public:
  explicit AnalysisManager(ir::DiagnosticEngine &diags) : diags_(diags) {}

  template <typename A> typename A::Result &getResult(Unit &u) {
    auto it = cache_.find(&A::Key);
    if (it == cache_.end()) {
      auto holder = std::make_unique<Holder<typename A::Result>>(A::run(u, *this));
      it = cache_.try_emplace(&A::Key, std::move(holder)).first;
    }
    return static_cast<Holder<typename A::Result> *>(it->second.get())->value;
  }
  template <typename A> typename A::Result *getCachedResult() {
    auto it = cache_.find(&A::Key);
    return it == cache_.end() ? nullptr
                              : &static_cast<Holder<typename A::Result> *>(it->second.get())->value;
  }
  void invalidate(const PreservedAnalyses &pa) {
    if (pa.allPreserved())
      return;
    std::vector<const AnalysisKey *> drop;
    for (auto &kv : cache_)
      if (!pa.preserved(kv.first))
        drop.push_back(kv.first);
    for (auto *k : drop)
      cache_.erase(k);
  }
  void clear() { cache_.clear(); }

  /// Where passes and analyses report problems in the user's files.
  ir::DiagnosticEngine &diags() { return diags_; }

private:
  struct HolderBase {
    virtual ~HolderBase() = default;
  };
  template <typename T> struct Holder : HolderBase {
    explicit Holder(T v) : value(std::move(v)) {}
    T value;
  };
  ir::DiagnosticEngine &diags_;
  llvm::DenseMap<const AnalysisKey *, std::unique_ptr<HolderBase>> cache_;
};

template <typename Unit> class Pass {
public:
  virtual ~Pass() = default;
  /// The pipeline name, e.g. "expand-matrix".
  virtual llvm::StringRef name() const = 0;
  virtual PreservedAnalyses run(Unit &u, AnalysisManager<Unit> &am) = 0;
};

struct PassTiming {
  std::string pass;
  double seconds = 0;
};

/// Runs passes in order; stops after a pass that reported errors.
template <typename Unit> class PassManager {
public:
  using Hook = std::function<void(llvm::StringRef pass, Unit &)>;

  void add(std::unique_ptr<Pass<Unit>> p) { passes_.push_back(std::move(p)); }
  size_t size() const { return passes_.size(); }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (auto &p : passes_)
      out.push_back(p->name().str());
    return out;
  }

  /// Called after each pass (for --print-after).
  void setAfterPassHook(Hook h) { after_ = std::move(h); }
  /// Record wall time per pass (for --time-passes).
  void setTimePasses(bool on) { time_ = on; }
  const std::vector<PassTiming> &timings() const { return timings_; }

  /// Returns false when a pass reported errors (the pipeline stopped there).
  bool run(Unit &u, AnalysisManager<Unit> &am) {
    for (auto &p : passes_) {
      unsigned before = am.diags().errorCount();
      auto t0 = std::chrono::steady_clock::now();
      PreservedAnalyses pa = p->run(u, am);
      auto t1 = std::chrono::steady_clock::now();
      if (time_)
        timings_.push_back({p->name().str(), std::chrono::duration<double>(t1 - t0).count()});
      am.invalidate(pa);
      if (after_)
        after_(p->name(), u);
      if (am.diags().errorCount() > before)
        return false;
    }
    return true;
  }

private:
  std::vector<std::unique_ptr<Pass<Unit>>> passes_;
  std::vector<PassTiming> timings_;
  Hook after_;
  bool time_ = false;
};

/// Prints a --time-passes table: wall seconds and share per pass, and total.
void printPassTimings(llvm::raw_ostream &os, const std::vector<PassTiming> &timings);

} // namespace passes
