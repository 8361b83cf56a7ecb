// ci-exec report: a self-contained HTML page with the job graph, a timeline, jobs, steps and logs.
#include "runtime/run_report.h"

#include "runtime/run_logs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace runtime {

namespace {

const char *kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:16px 24px}
header h1{margin:0 0 4px 0;font-size:20px}
header .meta{font-size:13px;opacity:.85}
main{padding:16px 24px;max-width:1200px}
h2{font-size:16px;margin:24px 0 8px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;border:1px solid transparent}
.state-success{background:#dafbe1;color:#116329;border-color:#4ac26b}
.state-failure{background:#ffebe9;color:#a40e26;border-color:#ff8182}
.state-cancelled{background:#fff8c5;color:#7d4e00;border-color:#d4a72c}
.state-skipped,.state-pending,.state-queued,.state-waiting{background:#eaeef2;color:#57606a;border-color:#d0d7de}
.state-in_progress{background:#ddf4ff;color:#0550ae;border-color:#54aeff}
.panel{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin-bottom:12px}
.graph svg{max-width:100%;height:auto}
.graph .node path,.graph .node polygon{fill:#fff}
.graph .job-success path,.graph .job-success polygon{fill:#dafbe1;stroke:#1a7f37}
.graph .job-failure path,.graph .job-failure polygon{fill:#ffebe9;stroke:#cf222e}
.graph .job-cancelled path,.graph .job-cancelled polygon{fill:#fff8c5;stroke:#9a6700}
.graph .job-skipped path,.graph .job-skipped polygon{fill:#eaeef2;stroke:#8c959f}
.graph .job-in_progress path,.graph .job-in_progress polygon{fill:#ddf4ff;stroke:#0969da}
.gantt{position:relative}
.gantt .row{display:flex;align-items:center;height:24px;border-bottom:1px solid #f0f2f4}
.gantt .label{width:260px;flex:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-size:13px;padding-right:8px}
.gantt .track{position:relative;flex:1;height:16px}
.gantt .bar{position:absolute;top:0;height:16px;border-radius:3px;min-width:2px;border:1px solid}
.gantt .axis{display:flex;justify-content:space-between;font-size:11px;color:#57606a;margin-left:260px}
.gantt .none{font-size:12px;color:#57606a}
.job-box{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin-bottom:12px}
.job-box>h3{margin:0;padding:10px 16px;font-size:15px;border-bottom:1px solid #d0d7de;display:flex;gap:12px;align-items:center}
.job-box>h3 .dur{margin-left:auto;font-weight:400;font-size:13px;color:#57606a}
.job-box .body{padding:8px 16px}
.job-box .facts{font-size:13px;color:#57606a;margin:4px 0}
.steps{list-style:none;padding:0;margin:8px 0}
.steps li{margin:2px 0}
details>summary{cursor:pointer;font-size:13px}
pre.log{background:#0d1117;color:#e6edf3;padding:8px 12px;border-radius:6px;overflow-x:auto;font-size:12px;line-height:1.45;margin:4px 0;white-space:pre-wrap;word-break:break-all}
details.group{margin-left:12px}
.l-error{color:#ff7b72}.l-warning{color:#d29922}.l-notice{color:#79c0ff}.l-command{color:#a5d6ff}.l-debug{color:#8b949e}
.annotations{list-style:none;padding:0;font-size:13px}
.annotations li{padding:4px 8px;margin:2px 0;border-left:4px solid #d0d7de;background:#f6f8fa}
.annotations .error{border-color:#cf222e}.annotations .warning{border-color:#d4a72c}.annotations .notice{border-color:#0969da}
table.summary{border-collapse:collapse;font-size:13px;width:100%}
table.summary td,table.summary th{padding:4px 8px;border-bottom:1px solid #eaeef2;text-align:left}
.muted{color:#57606a}
)css";

std::string utc(TimeMs ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string badge(const std::string &state) {
  std::string s = state.empty() ? "pending" : state;
  return fmt::format("<span class=\"badge state-{}\">{}</span>", htmlEscape(s),
                     htmlEscape(s == "in_progress" ? "running" : s));
}

std::string anchorOf(const JobView &j) {
  std::string out = "job-";
  for (char c : j.workflow + "-" + j.id)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return out;
}

std::string readLog(const std::string &path, size_t maxBytes, bool &cut) {
  std::ifstream in(path, std::ios::binary);
  cut = false;
  if (!in)
    return "";
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff from = 0;
  if (size > static_cast<std::streamoff>(maxBytes)) {
    from = size - static_cast<std::streamoff>(maxBytes);
    cut = true;
  }
  in.seekg(from);
  std::string data(static_cast<size_t>(size - from), '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (cut)
    if (size_t nl = data.find('\n'); nl != std::string::npos)
      data.erase(0, nl + 1);
  return data;
}

/// A log as <pre> blocks, groups as nested <details>.
std::string logHtml(const std::string &text) {
  std::string out = "<pre class=\"log\">";
  std::istringstream in(text);
  std::string line;
  bool inGroup = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    bool start = line.rfind("::group::", 0) == 0 || line.rfind("##[group]", 0) == 0;
    bool end = line.rfind("::endgroup::", 0) == 0 || line.rfind("##[endgroup]", 0) == 0;
    if (start) {
      if (inGroup)
        out += "</pre></details>";
      out += "</pre><details class=\"group\"><summary>" + htmlEscape(line.substr(9)) + "</summary><pre class=\"log\">";
      inGroup = true;
    } else if (end) {
      if (inGroup)
        out += "</pre></details><pre class=\"log\">";
      inGroup = false;
    } else {
      std::string kind;
      std::string text = htmlEscape(logLineText(line, &kind));
      out += kind.empty() ? text + "\n" : "<span class=\"l-" + kind + "\">" + text + "</span>\n";
    }
  }
  out += inGroup ? "</pre></details>" : "</pre>";
  // Drop the empty blocks the group boundaries leave.
  for (std::string empty : {"<pre class=\"log\"></pre>"})
    for (size_t p; (p = out.find(empty)) != std::string::npos;)
      out.erase(p, empty.size());
  return out;
}

std::string annotationsHtml(const std::vector<AnnotationView> &list) {
  if (list.empty())
    return "";
  std::string out = "<ul class=\"annotations\">";
  for (const AnnotationView &a : list) {
    std::string where = a.file.empty() ? "" : a.file + (a.line > 0 ? ":" + std::to_string(a.line) : "");
    out += fmt::format("<li class=\"{}\"><b>{}</b> {}{}</li>", htmlEscape(a.level), htmlEscape(a.level),
                       where.empty() ? "" : "<code>" + htmlEscape(where) + "</code> ", htmlEscape(a.message));
  }
  return out + "</ul>";
}

std::string ganttHtml(const RunView &v, const WorkflowView &w) {
  TimeMs t0 = v.createdMs, t1 = v.endedMs.value_or(v.latestMs());
  for (const JobView &j : v.jobs)
    if (j.workflow == w.path && j.startedMs)
      t0 = std::min(t0, *j.startedMs);
  double span = std::max<double>(1.0, double(t1 - t0));
  std::string out = "<div class=\"gantt\">";
  for (const JobView &j : v.jobs) {
    if (j.workflow != w.path)
      continue;
    out += fmt::format("<div class=\"row\"><div class=\"label\" title=\"{0}\"><a href=\"#{1}\">{0}</a></div><div class=\"track\">",
                       htmlEscape(j.name), anchorOf(j));
    if (j.startedMs) {
      TimeMs end = j.endedMs.value_or(t1);
      double left = 100.0 * double(*j.startedMs - t0) / span;
      double width = 100.0 * double(end - *j.startedMs) / span;
      out += fmt::format("<div class=\"bar state-{}\" data-job=\"{}\" style=\"left:{:.2f}%;width:{:.2f}%\" "
                         "title=\"{} {} ({})\"></div>",
                         htmlEscape(j.state()), htmlEscape(j.id), left, std::max(width, 0.2), htmlEscape(j.name),
                         htmlEscape(j.state()), formatDuration(end - *j.startedMs));
    } else {
      out += "<span class=\"none\">" + htmlEscape(j.state()) + (j.reason.empty() ? "" : " (" + htmlEscape(j.reason) + ")") +
             "</span>";
    }
    out += "</div></div>";
  }
  out += fmt::format("<div class=\"axis\"><span>0s</span><span>{}</span><span>{}</span></div></div>",
                     formatDuration(int64_t(span / 2)), formatDuration(int64_t(span)));
  return out;
}

std::string jobHtml(const RunView &v, const JobView &j, const ReportOptions &options) {
  std::optional<int64_t> dur;
  if (j.startedMs)
    dur = j.endedMs.value_or(v.latestMs()) - *j.startedMs;
  std::string out = fmt::format("<section class=\"job-box\" id=\"{}\" data-job=\"{}\" data-state=\"{}\"><h3>{} {}<span class=\"dur\">{}</span></h3><div class=\"body\">",
                                anchorOf(j), htmlEscape(j.id), htmlEscape(j.state()), badge(j.state()),
                                htmlEscape(j.name), dur ? formatDuration(*dur) : "");
  std::vector<std::string> facts;
  facts.push_back("job <code>" + htmlEscape(j.job) + "</code>");
  if (!j.needs.empty()) {
    std::string n;
    for (const std::string &x : j.needs)
      n += (n.empty() ? "" : ", ") + htmlEscape(x);
    facts.push_back("needs " + n);
  }
  if (j.attempt > 1)
    facts.push_back(fmt::format("attempt {}", j.attempt));
  if (!j.reason.empty())
    facts.push_back("reason: " + htmlEscape(j.reason));
  if (j.continueOnError)
    facts.push_back("continue-on-error");
  if (j.startedMs)
    facts.push_back("started " + utc(*j.startedMs));
  std::string f;
  for (const std::string &x : facts)
    f += (f.empty() ? "" : " · ") + x;
  out += "<p class=\"facts\">" + f + "</p>";
  if (!j.error.empty())
    out += "<p class=\"facts\"><b>error:</b> " + htmlEscape(j.error) + "</p>";
  if (j.outputs.is_object() && !j.outputs.empty()) {
    out += "<p class=\"facts\">outputs: ";
    bool first = true;
    for (auto it = j.outputs.begin(); it != j.outputs.end(); ++it) {
      out += (first ? "" : ", ") + std::string("<code>") + htmlEscape(it.key()) + "</code> = <code>" +
             htmlEscape(it->is_string() ? it->get<std::string>() : it->dump()) + "</code>";
      first = false;
    }
    out += "</p>";
  }
  out += annotationsHtml(j.annotations);
  if (!j.steps.empty()) {
    out += "<ol class=\"steps\">";
    for (const StepView &s : j.steps) {
      std::string state = s.conclusion.empty() ? s.status : s.conclusion;
      std::string note;
      if (!s.outcome.empty() && !s.conclusion.empty() && s.outcome != s.conclusion)
        note = " <span class=\"muted\">(outcome " + htmlEscape(s.outcome) + ", continue-on-error)</span>";
      std::string time;
      if (s.startedMs && s.endedMs)
        time = " <span class=\"muted\">" + formatDuration(*s.endedMs - *s.startedMs) + "</span>";
      std::string head = badge(state) + " " + htmlEscape(s.name.empty() ? fmt::format("step {}", s.index + 1) : s.name) +
                         note + time;
      if (s.logPath.empty()) {
        out += "<li>" + head + "</li>";
        continue;
      }
      bool cut = false;
      std::string text = readLog(s.logPath, options.maxLogBytes, cut);
      out += "<li><details" + std::string(state == "failure" ? " open" : "") + "><summary>" + head +
             "</summary>" + (cut ? "<p class=\"muted\">(log shortened to its end)</p>" : "") + logHtml(text) +
             "</details></li>";
    }
    out += "</ol>";
  }
  return out + "</div></section>";
}

std::string unescapeSvgText(std::string s) {
  const std::pair<const char *, const char *> entities[] = {
      {"&#45;", "-"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto &[from, to] : entities)
    for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += std::strlen(to))
      s.replace(p, std::strlen(from), to);
  return s;
}

} // namespace

std::string htmlEscape(const std::string &text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

ReportGraph reportGraphOf(const RunView &view, const WorkflowView &w) {
  ReportGraph g;
  g.name = w.name.empty() ? w.path : w.name;
  std::map<std::string, std::vector<const JobView *>> byJob;
  std::vector<std::string> order;
  for (const JobView &j : view.jobs) {
    if (j.workflow != w.path)
      continue;
    if (!byJob.count(j.job))
      order.push_back(j.job);
    byJob[j.job].push_back(&j);
  }
  for (const std::string &job : order) {
    const auto &members = byJob[job];
    bool cluster = members.size() > 1;
    if (cluster)
      g.clusters.push_back({job, job});
    for (const JobView *j : members)
      g.nodes.push_back({j->id, j->name, j->state(), cluster ? job : ""});
  }
  for (const std::string &job : order) {
    const JobView *to = byJob[job].front();
    for (const std::string &need : to->needs) {
      auto from = byJob.find(need);
      if (from == byJob.end())
        continue;
      g.edges.push_back({from->second.front()->id, to->id, from->second.size() > 1 ? need : "",
                         byJob[job].size() > 1 ? job : ""});
    }
  }
  return g;
}

std::string classifySvgNodes(const std::string &svg, const ReportGraph &g) {
  std::map<std::string, const ReportGraph::Node *> byId;
  for (const ReportGraph::Node &n : g.nodes)
    byId[n.id] = &n;
  std::string out;
  size_t pos = 0;
  const std::string marker = "class=\"node\">";
  while (true) {
    size_t at = svg.find(marker, pos);
    if (at == std::string::npos)
      break;
    size_t t1 = svg.find("<title>", at), t2 = svg.find("</title>", at);
    out += svg.substr(pos, at - pos);
    if (t1 == std::string::npos || t2 == std::string::npos || t2 < t1) {
      out += marker;
      pos = at + marker.size();
      continue;
    }
    std::string id = unescapeSvgText(svg.substr(t1 + 7, t2 - t1 - 7));
    auto it = byId.find(id);
    if (it == byId.end())
      out += marker;
    else
      out += fmt::format("class=\"node job-{}\" data-job=\"{}\">", htmlEscape(it->second->state), htmlEscape(id));
    pos = at + marker.size();
  }
  return out + svg.substr(pos);
}

std::string renderRunReport(const RunView &v, const ReportOptions &options) {
  std::string state = v.conclusion.empty() ? v.status : v.conclusion;
  TimeMs end = v.endedMs.value_or(v.latestMs());
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  out += fmt::format("<title>Run {} — {}</title><style>{}</style></head><body>", v.runId, htmlEscape(state), kStyle);
  out += fmt::format("<header><h1>Run {} {}</h1><div class=\"meta\">attempt {} · event <code>{}</code> · {} · "
                     "provider {} · started {} · {}</div></header><main>",
                     v.runId, badge(state), v.attempt, htmlEscape(v.event), htmlEscape(v.source),
                     htmlEscape(v.provider), utc(v.createdMs), formatDuration(end - v.createdMs));
  if (!v.error.empty())
    out += "<div class=\"panel\"><b>error:</b> " + htmlEscape(v.error) + "</div>";
  for (const std::string &w : v.notTriggered)
    out += "<div class=\"panel muted\">not triggered: " + htmlEscape(w) + "</div>";
  // Summary table.
  out += "<h2>Jobs</h2><div class=\"panel\"><table class=\"summary\"><tr><th>job</th><th>conclusion</th><th>duration</th><th>notes</th></tr>";
  for (const JobView &j : v.jobs) {
    std::string dur = j.startedMs ? formatDuration(j.endedMs.value_or(end) - *j.startedMs) : "-";
    std::string notes = j.reason;
    if (!j.error.empty())
      notes += (notes.empty() ? "" : "; ") + j.error;
    out += fmt::format("<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>", anchorOf(j),
                       htmlEscape(j.name), badge(j.state()), dur, htmlEscape(notes));
  }
  out += "</table></div>";
  for (const WorkflowView &w : v.workflows) {
    out += "<h2>" + htmlEscape(w.name.empty() ? w.path : w.name) + " <span class=\"muted\">" + htmlEscape(w.path) +
           "</span> " + badge(w.conclusion) + "</h2>";
    if (!w.error.empty())
      out += "<div class=\"panel\"><b>error:</b> " + htmlEscape(w.error) + "</div>";
    if (options.graph) {
      ReportGraph g = reportGraphOf(v, w);
      if (!g.nodes.empty()) {
        llvm::Expected<std::string> svg = options.graph(g);
        if (svg) {
          size_t start = svg->find("<svg");
          out += "<div class=\"panel graph\">" + classifySvgNodes(start == std::string::npos ? *svg : svg->substr(start), g) +
                 "</div>";
        } else {
          out += "<div class=\"panel muted\">job graph unavailable: " + htmlEscape(llvm::toString(svg.takeError())) +
                 "</div>";
        }
      }
    }
    out += "<h2>Timeline</h2><div class=\"panel\">" + ganttHtml(v, w) + "</div>";
    out += "<h2>Job details</h2>";
    for (const JobView &j : v.jobs)
      if (j.workflow == w.path)
        out += jobHtml(v, j, options);
  }
  out += "<p class=\"muted\">Generated by ci-exec report.</p></main></body></html>\n";
  return out;
}

CommandResult runReportCommand(const ReportCommand &cmd, const ReportOptions &options) {
  auto fail = [](int code, const std::string &m) { return CommandResult{code, "", "ci-exec: " + m + "\n"}; };
  int64_t runId = 0;
  {
    char *end = nullptr;
    long long id = std::strtoll(cmd.run.c_str(), &end, 10);
    if (cmd.run.empty() || *end || id <= 0)
      return fail(ExitUsage, "RUN must be a run number (see `ci-exec status`), not \"" + cmd.run + "\"");
    runId = id;
  }
  std::ifstream probe(cmd.store);
  if (!probe)
    return fail(ExitUsage, "no store at " + cmd.store + "; pass --store PATH");
  llvm::Expected<std::unique_ptr<Store>> store = Store::open(cmd.store);
  if (!store)
    return fail(ExitInternal, llvm::toString(store.takeError()));
  llvm::Expected<RunView> view = loadRunView(**store, runId);
  if (!view)
    return fail(ExitFailure, llvm::toString(view.takeError()));
  std::string html = renderRunReport(*view, options);
  if (cmd.output.empty() || cmd.output == "-")
    return CommandResult{ExitOk, html, ""};
  std::ofstream out(cmd.output, std::ios::binary | std::ios::trunc);
  if (!out)
    return fail(ExitFailure, "cannot write " + cmd.output);
  out << html;
  out.close();
  if (!out)
    return fail(ExitFailure, "cannot write " + cmd.output);
  return CommandResult{ExitOk, "wrote " + cmd.output + " (run " + std::to_string(runId) + ", " +
                                   std::to_string(view->jobs.size()) + " jobs)\n", ""};
}

} // namespace runtime
