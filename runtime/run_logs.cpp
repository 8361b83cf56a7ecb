// ci-exec logs: step logs of a run, with groups folded on a terminal, optionally followed.
#include "runtime/run_logs.h"

#include "runtime/run_view.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace runtime {

namespace {

bool startsWith(const std::string &s, const char *prefix) { return s.rfind(prefix, 0) == 0; }

/// The title when `line` opens a group, nullopt otherwise.
std::optional<std::string> groupStart(const std::string &line) {
  if (startsWith(line, "::group::"))
    return line.substr(9);
  if (startsWith(line, "##[group]"))
    return line.substr(9);
  return std::nullopt;
}

bool groupEnd(const std::string &line) {
  return startsWith(line, "::endgroup::") || startsWith(line, "##[endgroup]");
}

/// Renders one line in streaming mode (groups open).
std::string openLine(const std::string &line) {
  if (std::optional<std::string> title = groupStart(line))
    return "▾ " + *title + "\n";
  if (groupEnd(line))
    return "";
  return logLineText(line) + "\n";
}

bool parsePositive(const std::string &text, int64_t &out) {
  if (text.empty() || text.size() > 9)
    return false;
  for (char c : text)
    if (c < '0' || c > '9')
      return false;
  out = std::stoll(text);
  return out > 0;
}

std::vector<const JobView *> selectJobs(const RunView &v, const std::string &job) {
  std::vector<const JobView *> out;
  for (const JobView &j : v.jobs)
    if (job.empty() || j.id == job || j.job == job || j.name == job)
      out.push_back(&j);
  return out;
}

std::vector<const StepView *> selectSteps(const JobView &j, const std::string &step) {
  std::vector<const StepView *> out;
  int64_t n = 0;
  bool numbered = parsePositive(step, n);
  for (const StepView &s : j.steps)
    if (step.empty() || (numbered && s.index + 1 == n) || s.name == step)
      out.push_back(&s);
  return out;
}

std::string stepHeader(const JobView &j, const StepView &s) {
  std::string state = s.conclusion.empty() ? s.status : s.conclusion;
  if (!s.outcome.empty() && s.outcome != s.conclusion && !s.conclusion.empty())
    state = s.outcome + ", continue-on-error";
  return fmt::format("--- step {}/{}{}{} [{}]\n", s.index + 1, j.steps.size(), s.name.empty() ? "" : ": ",
                     s.name, state);
}

std::string jobHeader(const JobView &j) { return fmt::format("==> {} [{}]\n", j.name, j.state()); }

std::string readFrom(const std::string &path, std::streamoff &offset, bool wholeLinesOnly) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return "";
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size <= offset)
    return "";
  in.seekg(offset);
  std::string data(static_cast<size_t>(size - offset), '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (wholeLinesOnly) {
    size_t nl = data.rfind('\n');
    if (nl == std::string::npos)
      return "";
    data.resize(nl + 1);
  }
  offset += static_cast<std::streamoff>(data.size());
  return data;
}

} // namespace

std::string logLineText(const std::string &line, std::string *kind) {
  static const std::pair<const char *, const char *> markers[] = {{"error", "Error: "},
                                                                  {"warning", "Warning: "},
                                                                  {"notice", "Notice: "},
                                                                  {"debug", "Debug: "},
                                                                  {"command", ""}};
  if (kind)
    kind->clear();
  if (line.rfind("##[", 0) != 0)
    return line;
  for (const auto &[name, prefix] : markers) {
    std::string marker = std::string("##[") + name + "]";
    if (line.rfind(marker, 0) == 0) {
      if (kind)
        *kind = name;
      return prefix + line.substr(marker.size());
    }
  }
  return line;
}

std::string renderLogText(const std::string &text, bool fold) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  std::optional<std::string> title; // inside a folded group
  size_t inGroup = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (!fold) {
      out += openLine(line);
      continue;
    }
    if (std::optional<std::string> t = groupStart(line)) {
      if (title) // a group opened inside another closes the first (GitHub does not nest)
        out += fmt::format("▸ {} ({} lines)\n", *title, inGroup);
      title = *t;
      inGroup = 0;
    } else if (groupEnd(line)) {
      if (title)
        out += fmt::format("▸ {} ({} lines)\n", *title, inGroup);
      title.reset();
    } else if (title) {
      ++inGroup;
    } else {
      out += logLineText(line) + "\n";
    }
  }
  if (title)
    out += fmt::format("▸ {} ({} lines)\n", *title, inGroup);
  return out;
}

int runLogsCommand(const LogsCommand &cmd, std::FILE *out, std::FILE *err) {
  int64_t runId = 0;
  if (!parsePositive(cmd.run, runId)) {
    std::fprintf(err, "ci-exec: RUN must be a run number (see `ci-exec status`), not \"%s\"\n", cmd.run.c_str());
    return 2;
  }
  std::error_code ec;
  if (!std::filesystem::exists(cmd.store, ec)) {
    std::fprintf(err, "ci-exec: no store at %s; pass --store PATH\n", cmd.store.c_str());
    return 2;
  }
  llvm::Expected<std::unique_ptr<Store>> store = Store::open(cmd.store);
  if (!store) {
    std::fprintf(err, "ci-exec: %s\n", llvm::toString(store.takeError()).c_str());
    return 3;
  }
  std::map<std::string, std::streamoff> offsets; // log path -> bytes printed
  std::map<std::string, bool> headed;            // "job" / "job/step" headers printed
  bool first = true;
  while (true) {
    llvm::Expected<RunView> v = loadRunView(**store, runId);
    if (!v) {
      std::fprintf(err, "ci-exec: %s\n", llvm::toString(v.takeError()).c_str());
      return 1;
    }
    bool finished = v->finished();
    std::vector<const JobView *> jobs = selectJobs(*v, cmd.job);
    if (first) {
      if (jobs.empty()) {
        std::string known;
        for (const JobView &j : v->jobs)
          known += (known.empty() ? "" : ", ") + j.id;
        std::fprintf(err, "ci-exec: run %lld has no job \"%s\"; its jobs: %s\n", static_cast<long long>(runId),
                     cmd.job.c_str(), known.empty() ? "none" : known.c_str());
        return 1;
      }
      if (!cmd.step.empty()) {
        bool any = false;
        for (const JobView *j : jobs)
          any = any || !selectSteps(*j, cmd.step).empty();
        if (!any) {
          std::fprintf(err, "ci-exec: no step \"%s\" in the selected jobs (give a step number from 1, or a step name)\n",
                       cmd.step.c_str());
          return 1;
        }
      }
    }
    std::string buf;
    for (const JobView *j : jobs) {
      bool live = cmd.follow && j->status != "completed";
      std::string jobKey = j->id + "#" + std::to_string(j->attempt);
      std::vector<const StepView *> steps = selectSteps(*j, cmd.step);
      bool anyLog = false;
      for (const StepView *s : steps)
        anyLog = anyLog || !s->logPath.empty();
      if (!headed[jobKey] && (anyLog || !live)) {
        buf += jobHeader(*j);
        headed[jobKey] = true;
        if (!anyLog && !live)
          buf += j->steps.empty() ? "    (no steps ran)\n" : "    (no step logs)\n";
      }
      for (const StepView *s : steps) {
        if (s->logPath.empty())
          continue;
        std::string stepKey = jobKey + "/" + std::to_string(s->index);
        if (!headed[stepKey]) {
          buf += stepHeader(*j, *s);
          headed[stepKey] = true;
        }
        std::streamoff &off = offsets[s->logPath];
        bool stepLive = live && s->status != "completed";
        if (cmd.follow) {
          std::string text = readFrom(s->logPath, off, stepLive);
          std::istringstream in(text);
          std::string line;
          while (std::getline(in, line))
            buf += openLine(line);
        } else {
          buf += renderLogText(readFrom(s->logPath, off, false), cmd.fold);
        }
      }
    }
    std::fputs(buf.c_str(), out);
    std::fflush(out);
    first = false;
    if (!cmd.follow || finished)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(cmd.pollMs));
  }
  return 0;
}

} // namespace runtime
