// Scenario files of the sim provider: look-up, validation, seeded randomness.
#include "runtime/scenario.h"

#include <cmath>

namespace runtime {

namespace {

llvm::Error scenarioError(const std::string &message) {
  return llvm::createStringError(std::errc::invalid_argument, "scenario: %s", message.c_str());
}

llvm::Error checkEntry(const json &e, const std::string &where) {
  if (!e.is_object())
    return scenarioError(where + " must be an object");
  for (auto it = e.begin(); it != e.end(); ++it) {
    const std::string &k = it.key();
    const json &v = it.value();
    if (k == "conclusion") {
      std::string c = v.is_string() ? v.get<std::string>() : "";
      if (c != "success" && c != "failure" && c != "cancelled" && c != "hang")
        return scenarioError(where + ".conclusion is " + v.dump() +
                             "; allowed: \"success\", \"failure\", \"cancelled\", \"hang\"");
    } else if (k == "duration_ms") {
      bool ok = (v.is_number() && v.get<double>() >= 0) ||
                (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number() &&
                 v[0].get<double>() >= 0 && v[1].get<double>() >= v[0].get<double>());
      if (!ok)
        return scenarioError(where + ".duration_ms is " + v.dump() +
                             "; allowed: milliseconds >= 0, or [min, max]");
    } else if (k == "outputs") {
      if (!v.is_object())
        return scenarioError(where + ".outputs must be an object of strings");
    } else if (k == "fail_attempts") {
      if (!v.is_number_integer() || v.get<int64_t>() < 0)
        return scenarioError(where + ".fail_attempts must be a whole number >= 0");
    } else if (k == "failure_rate") {
      if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1)
        return scenarioError(where + ".failure_rate must be a number from 0 to 1");
    } else {
      return scenarioError(where + " has an unknown field \"" + k +
                           "\"; allowed: conclusion, duration_ms, outputs, fail_attempts, failure_rate");
    }
  }
  return llvm::Error::success();
}

uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t fnv1a(const std::string &s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

} // namespace

llvm::Expected<Scenario> Scenario::parse(const json &scenario) {
  Scenario s;
  if (scenario.is_null()) {
    s.source_ = json::object();
    return s;
  }
  if (!scenario.is_object())
    return scenarioError("the file must hold a JSON object {\"seed\", \"default\", \"jobs\"}");
  for (auto it = scenario.begin(); it != scenario.end(); ++it)
    if (it.key() != "seed" && it.key() != "default" && it.key() != "jobs" && it.key() != "max_jobs")
      return scenarioError("unknown field \"" + it.key() + "\"; allowed: seed, default, jobs, max_jobs");
  if (scenario.contains("max_jobs") &&
      (!scenario["max_jobs"].is_number_integer() || scenario["max_jobs"].get<int64_t>() < 1))
    return scenarioError("max_jobs (the most jobs of a workflow at once) must be a whole number of at least 1");
  if (scenario.contains("seed")) {
    if (!scenario["seed"].is_number_integer())
      return scenarioError("seed must be a whole number");
    s.seed_ = static_cast<uint64_t>(scenario["seed"].get<int64_t>());
  }
  if (scenario.contains("default"))
    if (llvm::Error e = checkEntry(scenario["default"], "default"))
      return e;
  if (scenario.contains("jobs")) {
    if (!scenario["jobs"].is_object())
      return scenarioError("jobs must be an object keyed by display name or job id");
    for (auto it = scenario["jobs"].begin(); it != scenario["jobs"].end(); ++it)
      if (llvm::Error e = checkEntry(it.value(), "jobs[\"" + it.key() + "\"]"))
        return e;
  }
  s.source_ = scenario;
  return s;
}

SimOutcome Scenario::decide(const std::string &name, const std::string &instance,
                            const std::string &job, const std::string &localId, int attempt) const {
  json entry = {{"conclusion", "success"}, {"duration_ms", 0}};
  if (source_.contains("default"))
    for (auto it = source_["default"].begin(); it != source_["default"].end(); ++it)
      entry[it.key()] = it.value();
  if (source_.contains("jobs")) {
    const json &jobs = source_["jobs"];
    for (const std::string *key : {&name, &instance, &job, &localId}) {
      auto hit = jobs.find(*key);
      if (hit == jobs.end())
        continue;
      for (auto it = hit->begin(); it != hit->end(); ++it)
        entry[it.key()] = it.value();
      break;
    }
  }
  uint64_t rng = splitmix(seed_ ^ fnv1a(instance) ^ (static_cast<uint64_t>(attempt) * 0x9e3779b97f4a7c15ULL));
  SimOutcome out;
  out.conclusion = entry.value("conclusion", std::string("success"));
  const json &d = entry["duration_ms"];
  if (d.is_array()) {
    int64_t lo = static_cast<int64_t>(d[0].get<double>()), hi = static_cast<int64_t>(d[1].get<double>());
    out.durationMs = lo + static_cast<int64_t>(rng % static_cast<uint64_t>(hi - lo + 1));
  } else if (d.is_number()) {
    out.durationMs = static_cast<int64_t>(std::llround(d.get<double>()));
  }
  rng = splitmix(rng);
  double rate = entry.value("failure_rate", 0.0);
  if (out.conclusion == "success" && rate > 0 && static_cast<double>(rng >> 11) * 0x1.0p-53 < rate)
    out.conclusion = "failure";
  int64_t failAttempts = entry.value("fail_attempts", int64_t(0));
  if (attempt <= failAttempts)
    out.conclusion = "failure";
  if (entry.contains("outputs") && entry["outputs"].is_object())
    out.outputs = entry["outputs"];
  return out;
}

} // namespace runtime
