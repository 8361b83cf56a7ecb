// Live and plain progress of a run, and the summary table at its end.
#include "runtime/progress_view.h"

#include <fmt/format.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace runtime {

namespace {

const char *kSpinner[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};

/// Display width in code points (every character here is one column wide).
size_t columns(const std::string &s) {
  size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

/// The first `width` columns of `s`, with "…" when cut.
std::string fit(const std::string &s, size_t width) {
  if (columns(s) <= width)
    return s;
  if (width == 0)
    return "";
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (n + 1 == width)
        break;
      ++n;
    }
    out += s[i];
  }
  return out + "…";
}

std::string pad(const std::string &s, size_t width) {
  size_t n = columns(s);
  return n >= width ? s : s + std::string(width - n, ' ');
}

const char *colorOf(const std::string &state) {
  if (state == "success")
    return "\x1b[32m";
  if (state == "failure")
    return "\x1b[31m";
  if (state == "cancelled")
    return "\x1b[33m";
  if (state == "skipped" || state == "pending")
    return "\x1b[2m";
  if (state == "in_progress")
    return "\x1b[36m";
  return "";
}

std::string symbolOf(const JobView &j, unsigned frame) {
  std::string s = j.state();
  if (s == "success")
    return "✓";
  if (s == "failure")
    return "✗";
  if (s == "cancelled")
    return "⊘";
  if (s == "skipped")
    return "-";
  if (s == "in_progress")
    return kSpinner[frame % 10];
  if (s == "queued" || s == "waiting")
    return "…";
  return "·";
}

std::string stateWord(const JobView &j) {
  std::string s = j.state();
  return s == "in_progress" ? "running" : s;
}

/// "step 2/5 Run tests" for the step running now ("" when none is known).
std::string stepText(const JobView &j) {
  const StepView *s = j.currentStep();
  if (!s)
    return "";
  std::string out = fmt::format("step {}/{}", s->index + 1, j.steps.size());
  if (!s->name.empty())
    out += " " + s->name;
  return out;
}

std::optional<int64_t> durationOf(const JobView &j, TimeMs now) {
  if (!j.startedMs)
    return std::nullopt;
  return (j.endedMs ? *j.endedMs : now) - *j.startedMs;
}

std::string notesOf(const JobView &j) {
  std::vector<std::string> notes;
  if (!j.reason.empty())
    notes.push_back(j.reason);
  if (j.continueOnError && j.conclusion == "failure")
    notes.push_back("continue-on-error");
  if (j.attempt > 1)
    notes.push_back(fmt::format("attempt {}", j.attempt));
  if (!j.error.empty())
    notes.push_back(j.error);
  std::string out;
  for (const std::string &n : notes)
    out += (out.empty() ? "" : "; ") + n;
  return out;
}

std::string stamp(TimeMs t, TimeMs origin) { return fmt::format("[{:>7}]", formatDuration(t - origin)); }

} // namespace

ProgressMode defaultProgressMode(std::FILE *stream) {
  const char *term = std::getenv("TERM");
  if (isatty(fileno(stream)) && !(term && std::strcmp(term, "dumb") == 0))
    return ProgressMode::Live;
  return ProgressMode::Plain;
}

ProgressPrinter::ProgressPrinter(std::FILE *out, ProgressMode mode, bool color, int width, int height)
    : out_(out), mode_(mode), color_(color), width_(width), height_(height) {
  if (mode_ == ProgressMode::Live && (width_ <= 0 || height_ <= 0)) {
    struct winsize ws {};
    bool ok = out_ && ioctl(fileno(out_), TIOCGWINSZ, &ws) == 0;
    if (width_ <= 0)
      width_ = ok && ws.ws_col > 0 ? ws.ws_col : 80;
    if (height_ <= 0)
      height_ = ok && ws.ws_row > 0 ? ws.ws_row : 24;
  }
}

std::vector<std::string> ProgressPrinter::liveLines(const RunView &view, TimeMs now) const {
  size_t done = 0, running = 0, queued = 0;
  size_t nameWidth = 4;
  for (const JobView &j : view.jobs) {
    done += !j.conclusion.empty();
    running += j.status == "in_progress";
    queued += j.status == "queued";
    nameWidth = std::max(nameWidth, columns(j.name));
  }
  nameWidth = std::min<size_t>(nameWidth, std::max(12, width_ / 3));
  std::vector<std::string> lines;
  lines.push_back(fit(fmt::format("run {}: {}/{} jobs done, {} running{}  {}", view.runId, done, view.jobs.size(),
                                  running, queued ? fmt::format(", {} queued", queued) : "",
                                  formatDuration(now - view.createdMs)),
                      width_ - 1));
  // The jobs that fit: running ones first, then the others in order.
  size_t room = height_ > 3 ? size_t(height_ - 2) : 1;
  std::vector<const JobView *> shown;
  if (view.jobs.size() <= room) {
    for (const JobView &j : view.jobs)
      shown.push_back(&j);
  } else {
    room = room > 1 ? room - 1 : 1;
    for (const JobView &j : view.jobs)
      if (j.status == "in_progress" && shown.size() < room)
        shown.push_back(&j);
    for (const JobView &j : view.jobs)
      if (j.status != "in_progress" && shown.size() < room)
        shown.push_back(&j);
  }
  for (const JobView *j : shown) {
    std::string state = stateWord(*j);
    std::optional<int64_t> d = durationOf(*j, now);
    std::string text = fmt::format("{} {} {:>7}  {}", pad(fit(j->name, nameWidth), nameWidth), pad(state, 11),
                                   d ? formatDuration(*d) : "", j->conclusion.empty() ? stepText(*j) : notesOf(*j));
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    text = fit(text, width_ > 4 ? size_t(width_ - 4) : 1);
    std::string sym = symbolOf(*j, frame_);
    const char *c = colorOf(j->state());
    if (color_ && *c)
      lines.push_back(fmt::format(" {}{}\x1b[0m {}", c, sym, text));
    else
      lines.push_back(fmt::format(" {} {}", sym, text));
  }
  if (shown.size() < view.jobs.size())
    lines.push_back(fmt::format("   … and {} more jobs", view.jobs.size() - shown.size()));
  return lines;
}

std::vector<std::string> ProgressPrinter::plainLines(const RunView &view, TimeMs now) {
  struct Event {
    TimeMs at;
    size_t order;
    std::string key, text;
  };
  std::vector<Event> events;
  size_t order = 0;
  for (const JobView &j : view.jobs) {
    std::string who = j.id + "#" + std::to_string(j.attempt);
    if (j.status == "queued" && !j.startedMs) // held back by --jobs or max-parallel
      events.push_back({now, order++, who + ":queued", j.name + ": queued"});
    if (j.startedMs)
      events.push_back({*j.startedMs, order++, who + ":start", j.name + ": started"});
    for (const StepView &s : j.steps) {
      if (s.status == "pending" || s.status == "skipped")
        continue;
      if (!s.startedMs && s.status != "in_progress")
        continue; // finished steps without times are listed in the report, not here
      std::string text = fmt::format("{}: step {}/{}{}{}", j.name, s.index + 1, j.steps.size(),
                                     s.name.empty() ? "" : " ", s.name);
      if (s.conclusion == "skipped") {
        events.push_back({s.startedMs.value_or(now), order++, who + ":step" + std::to_string(s.index),
                          text + ": skipped"});
        continue;
      }
      events.push_back({s.startedMs.value_or(now), order++, who + ":step" + std::to_string(s.index), text});
      std::string end = s.conclusion != "success" ? s.conclusion
                        : s.outcome == "failure"     ? "failure (continue-on-error)"
                                                     : "";
      if (!s.conclusion.empty() && !end.empty())
        events.push_back({s.endedMs.value_or(now), order++, who + ":step-end" + std::to_string(s.index),
                          text + ": " + end});
    }
    if (!j.conclusion.empty()) {
      std::string text = j.name + ": " + j.conclusion;
      if (std::optional<int64_t> d = durationOf(j, now))
        text += " in " + formatDuration(*d);
      if (std::string notes = notesOf(j); !notes.empty())
        text += " (" + notes + ")";
      events.push_back({j.endedMs.value_or(j.startedMs.value_or(now)), order++, who + ":end", text});
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const Event &a, const Event &b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  });
  std::vector<std::string> out;
  for (const Event &e : events)
    if (printed_.insert(e.key).second)
      out.push_back(stamp(std::max(e.at, view.createdMs), view.createdMs) + " " + e.text);
  return out;
}

void ProgressPrinter::update(const RunView &view, TimeMs now) {
  if (mode_ == ProgressMode::Off || !out_)
    return;
  if (mode_ == ProgressMode::Plain) {
    for (const std::string &l : plainLines(view, now))
      std::fprintf(out_, "%s\n", l.c_str());
    std::fflush(out_);
    return;
  }
  std::vector<std::string> lines = liveLines(view, now);
  std::string buf;
  if (drawn_ > 0)
    buf += fmt::format("\r\x1b[{}A\x1b[J", drawn_);
  for (const std::string &l : lines)
    buf += l + "\n";
  std::fputs(buf.c_str(), out_);
  std::fflush(out_);
  drawn_ = lines.size();
  ++frame_;
}

void ProgressPrinter::finish(const RunView &view, TimeMs now) {
  if (mode_ == ProgressMode::Off || !out_)
    return;
  if (mode_ == ProgressMode::Plain) {
    update(view, now);
    return;
  }
  if (drawn_ > 0)
    std::fprintf(out_, "\r\x1b[%zuA\x1b[J", drawn_);
  std::fflush(out_);
  drawn_ = 0;
}

std::string renderRunSummary(const RunView &view) {
  std::string out;
  TimeMs end = view.endedMs.value_or(view.latestMs());
  out += fmt::format("run {} (attempt {}): {}  {}\n", view.runId, view.attempt,
                     view.conclusion.empty() ? view.status : view.conclusion,
                     formatDuration(end - view.createdMs));
  if (!view.error.empty())
    out += "  error: " + view.error + "\n";
  for (const WorkflowView &w : view.workflows)
    if (!w.error.empty())
      out += "  workflow " + w.path + ": " + w.error + "\n";
  for (const std::string &w : view.notTriggered)
    out += "  not triggered: " + w + "\n";
  if (view.jobs.empty()) {
    if (view.workflows.empty())
      out += "  no workflow runs on " + (view.event.empty() ? std::string("this event") : view.event) + "\n";
    return out;
  }
  size_t width = 3;
  for (const JobView &j : view.jobs)
    width = std::max(width, columns(j.name));
  width = std::min<size_t>(width, 60);
  out += fmt::format("  {} {} {:>8}  {}\n", pad("JOB", width), pad("CONCLUSION", 10), "DURATION", "NOTES");
  std::map<std::string, int> counts;
  for (const JobView &j : view.jobs) {
    std::string state = j.state();
    ++counts[state];
    std::optional<int64_t> d = durationOf(j, end);
    std::string line = fmt::format("  {} {} {:>8}  {}", pad(j.name, width), pad(state, 10),
                                   d ? formatDuration(*d) : "-", notesOf(j));
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
  }
  std::string tally;
  for (const char *k : {"success", "failure", "cancelled", "skipped"})
    if (counts.count(k))
      tally += fmt::format("{}{} {}", tally.empty() ? "" : ", ", counts[k], k);
  for (const auto &[k, n] : counts)
    if (k != "success" && k != "failure" && k != "cancelled" && k != "skipped")
      tally += fmt::format("{}{} {}", tally.empty() ? "" : ", ", n, k);
  out += fmt::format("{} jobs: {}\n", view.jobs.size(), tally);
  return out;
}

ProgressMonitor::ProgressMonitor(std::string storePath, ProgressMode mode, std::FILE *out, bool color,
                                 int intervalMs)
    : storePath_(std::move(storePath)), printer_(out, mode, color), intervalMs_(intervalMs) {}

ProgressMonitor::~ProgressMonitor() { stop(); }

void ProgressMonitor::start(int64_t runId, bool virtualTime) {
  runId_ = runId;
  virtualTime_ = virtualTime;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      poll(false);
      for (int waited = 0; waited < intervalMs_ && !stop_.load(); waited += 10)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
}

void ProgressMonitor::stop() {
  if (!thread_.joinable())
    return;
  stop_.store(true);
  thread_.join();
  poll(true);
}

void ProgressMonitor::poll(bool final) {
  if (!store_) {
    llvm::Expected<std::unique_ptr<Store>> s = Store::open(storePath_);
    if (!s) {
      llvm::consumeError(s.takeError());
      return;
    }
    store_ = std::move(*s);
  }
  llvm::Expected<RunView> v = loadRunView(*store_, runId_);
  if (!v) {
    llvm::consumeError(v.takeError()); // a busy store: the next poll reads it
    return;
  }
  TimeMs now = virtualTime_ || v->finished() ? v->endedMs.value_or(v->latestMs()) : RealClock().now();
  if (final)
    printer_.finish(*v, now);
  else
    printer_.update(*v, now);
}

} // namespace runtime
