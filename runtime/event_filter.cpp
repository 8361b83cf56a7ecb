// Event, activity type, branch, tag and path filters of workflow triggers.
#include "runtime/event_filter.h"

#include <regex>

namespace runtime {

namespace {

std::string globToRegex(llvm::StringRef p) {
  std::string re;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '*') {
      if (i + 1 < p.size() && p[i + 1] == '*') {
        re += ".*";
        ++i;
      } else {
        re += "[^/]*";
      }
    } else if (c == '?' || c == '+') {
      re += c; // zero-or-one / one-or-more of the preceding character
    } else if (c == '[') {
      size_t end = p.find(']', i + 1);
      if (end == llvm::StringRef::npos) {
        re += "\\[";
        continue;
      }
      re += p.substr(i, end - i + 1).str();
      i = end;
    } else if (c == '\\' && i + 1 < p.size()) {
      re += '\\';
      re += p[++i];
    } else if (std::string(".^$|(){}").find(c) != std::string::npos) {
      re += '\\';
      re += c;
    } else {
      re += c;
    }
  }
  return re;
}

std::vector<std::string> patterns(const ir::Trigger &t, llvm::StringRef key) {
  std::vector<std::string> out;
  if (const ir::TriggerFilter *f = t.filter(key))
    for (const ir::LocatedString &p : f->patterns)
      out.push_back(p.value);
  return out;
}

/// The filter pair (key, key-ignore) on `name`; true when neither is present.
bool passesPair(const ir::Trigger &t, llvm::StringRef key, llvm::StringRef name) {
  if (t.filter(key))
    return matchFilterList(patterns(t, key), name);
  if (t.filter(key.str() + "-ignore"))
    return !matchFilterList(patterns(t, key.str() + "-ignore"), name);
  return true;
}

bool hasPair(const ir::Trigger &t, llvm::StringRef key) {
  return t.filter(key) || t.filter(key.str() + "-ignore");
}

/// The changed files the payload lists, and whether it lists any at all.
std::vector<std::string> changedFiles(const json &payload, bool &known) {
  std::vector<std::string> out;
  known = false;
  if (!payload.is_object())
    return out;
  if (payload.contains("changed_files") && payload["changed_files"].is_array()) {
    known = true;
    for (const json &f : payload["changed_files"])
      if (f.is_string())
        out.push_back(f.get<std::string>());
    return out;
  }
  if (payload.contains("commits") && payload["commits"].is_array()) {
    known = true;
    for (const json &c : payload["commits"])
      for (const char *k : {"added", "modified", "removed"})
        if (c.is_object() && c.contains(k) && c[k].is_array())
          for (const json &f : c[k])
            if (f.is_string())
              out.push_back(f.get<std::string>());
  }
  return out;
}

bool passesPaths(const ir::Trigger &t, const json &payload, std::string *why) {
  if (!hasPair(t, "paths"))
    return true;
  bool known = false;
  std::vector<std::string> files = changedFiles(payload, known);
  if (!known)
    return true;
  bool any = false;
  for (const std::string &f : files) {
    if (t.filter("paths") ? matchFilterList(patterns(t, "paths"), f)
                          : !matchFilterList(patterns(t, "paths-ignore"), f)) {
      any = true;
      break;
    }
  }
  if (!any && why)
    *why = files.empty() ? "no file changed" : "no changed file passes the path filters";
  return any;
}

} // namespace

bool matchFilterGlob(llvm::StringRef pattern, llvm::StringRef text) {
  try {
    return std::regex_match(text.begin(), text.end(), std::regex(globToRegex(pattern)));
  } catch (const std::regex_error &) {
    return false;
  }
}

bool matchFilterList(const std::vector<std::string> &list, llvm::StringRef text) {
  bool in = false;
  for (const std::string &p : list) {
    llvm::StringRef s(p);
    if (s.startswith("!")) {
      if (in && matchFilterGlob(s.drop_front(), text))
        in = false;
    } else if (!in && matchFilterGlob(s, text)) {
      in = true;
    }
  }
  return in;
}

bool workflowTriggeredBy(const ir::Workflow &wf, const std::string &event, const json &payload,
                         const std::string &ref, std::string *why) {
  const ir::Trigger *t = wf.findTrigger(event);
  if (!t) {
    if (why)
      *why = "it does not run on " + event;
    return false;
  }
  std::string action = payload.is_object() && payload.contains("action") && payload["action"].is_string()
                           ? payload["action"].get<std::string>()
                           : "";
  if (!action.empty()) {
    std::vector<std::string> types;
    for (const ir::LocatedString &s : t->types)
      types.push_back(s.value);
    if (types.empty() && (event == "pull_request" || event == "pull_request_target"))
      types = {"opened", "synchronize", "reopened"};
    if (!types.empty() && std::find(types.begin(), types.end(), action) == types.end()) {
      if (why)
        *why = "activity type \"" + action + "\" is not in its types";
      return false;
    }
  }
  llvm::StringRef r(ref);
  if (event == "push") {
    bool isTag = r.startswith("refs/tags/");
    bool branchFilters = hasPair(*t, "branches"), tagFilters = hasPair(*t, "tags");
    if (isTag) {
      if (!tagFilters && branchFilters) {
        if (why)
          *why = "it filters branches only, and " + ref + " is a tag";
        return false;
      }
      if (tagFilters && !passesPair(*t, "tags", r.drop_front(10))) {
        if (why)
          *why = "tag " + r.drop_front(10).str() + " does not pass its tag filters";
        return false;
      }
      return true; // paths are not checked for tags
    }
    llvm::StringRef branch = r.startswith("refs/heads/") ? r.drop_front(11) : r;
    if (!branchFilters && tagFilters) {
      if (why)
        *why = "it filters tags only, and " + ref + " is a branch";
      return false;
    }
    if (branchFilters && !passesPair(*t, "branches", branch)) {
      if (why)
        *why = "branch " + branch.str() + " does not pass its branch filters";
      return false;
    }
    return passesPaths(*t, payload, why);
  }
  if (event == "pull_request" || event == "pull_request_target" || event == "merge_group" ||
      event == "workflow_run") {
    std::string base;
    if (payload.is_object()) {
      if (payload.contains("pull_request") && payload["pull_request"].contains("base"))
        base = payload["pull_request"]["base"].value("ref", "");
      else if (payload.contains("workflow_run"))
        base = payload["workflow_run"].value("head_branch", "");
      else if (payload.contains("merge_group"))
        base = payload["merge_group"].value("base_ref", "");
    }
    if (llvm::StringRef(base).startswith("refs/heads/"))
      base = base.substr(11);
    if (!base.empty() && !passesPair(*t, "branches", base)) {
      if (why)
        *why = "branch " + base + " does not pass its branch filters";
      return false;
    }
    return event == "pull_request" || event == "pull_request_target" ? passesPaths(*t, payload, why) : true;
  }
  return true;
}

} // namespace runtime
