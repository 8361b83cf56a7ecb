// SARIF 2.1.0 output for GitHub code scanning and other SARIF viewers.
#include "backend/lint_format_output.h"

#include "passes/lint_registry.h"

#include "llvm/ADT/StringExtras.h"

#include <map>
#include <set>

namespace backend {

// Where each kind is documented, relative to ci-lint's sources: no URL is
// invented for a repository the reader may not have, so rules carry no
// helpUri (SARIF requires it to be absolute) and the help names the section.
const char *const kChecksDoc = "docs/checks.md";

static const char *sarifLevel(ir::Severity s) {
  switch (s) {
  case ir::Severity::Error:
    return "error";
  case ir::Severity::Warning:
    return "warning";
  case ir::Severity::Note:
    return "note";
  }
  return "error";
}

// A relative URI reference for a file path: percent-encodes everything but
// unreserved characters and '/'.
static std::string pathToUri(llvm::StringRef path) {
  std::string out;
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += llvm::hexdigit(c >> 4, /*LowerCase=*/false);
      out += llvm::hexdigit(c & 15, /*LowerCase=*/false);
    }
  }
  return out;
}

// "runner-label" -> "RunnerLabel"
static std::string pascalName(llvm::StringRef kind) {
  std::string out;
  bool up = true;
  for (char c : kind) {
    if (c == '-' || c == '_') {
      up = true;
      continue;
    }
    out += up ? llvm::toUpper(c) : c;
    up = false;
  }
  return out;
}

static nlohmann::json regionOf(const ir::SourceManager &sm, const ir::SourceRange &r) {
  nlohmann::json region;
  region["startLine"] = r.line;
  region["startColumn"] = r.col;
  if (r.endLine >= r.line && r.endLine != 0) {
    region["endLine"] = r.endLine;
    region["endColumn"] = r.endLine == r.line ? std::max(r.endCol, r.col + 1) : r.endCol;
  }
  if (r.file != 0)
    region["snippet"] = {{"text", sm.lineText(r.file, r.line).str()}};
  return region;
}

static nlohmann::json locationOf(const ir::SourceManager &sm, const ir::SourceRange &r) {
  nlohmann::json phys;
  phys["artifactLocation"] = {
      {"uri", pathToUri(r.file != 0 ? sm.name(r.file) : llvm::StringRef("<input>"))},
      {"uriBaseId", "%SRCROOT%"}};
  if (r.valid())
    phys["region"] = regionOf(sm, r);
  return {{"physicalLocation", phys}};
}

nlohmann::json lintReportToSarif(const ir::SourceManager &sm,
                                 const std::vector<ir::Diagnostic> &diags,
                                 const LintFormatOptions &opts) {
  // Rules for the kinds the results use, in kind-name order: stable output
  // whatever kinds other layers add to the table.
  std::set<std::string> used;
  for (const ir::Diagnostic &d : diags)
    used.insert(d.kindName().str());
  nlohmann::json rules = nlohmann::json::array();
  std::map<std::string, size_t> ruleIndex;
  for (const std::string &kind : used) {
    const passes::LintKindDoc &doc = passes::lintKindDoc(kind);
    std::string help = std::string(doc.summary) + " See section \"" + kind + "\" of " +
                       kChecksDoc + " in ci-lint's documentation (or `ci-lint --list-kinds`).";
    std::string markdown = std::string("**") + doc.title + "** (`" + kind + "`): " +
                           doc.summary + "\n\nSee section `" + kind + "` of `" + kChecksDoc +
                           "` in ci-lint's documentation for examples and how to fix or "
                           "suppress it (`# ci-lint: ignore[" + kind + "] reason`).";
    // The kind's default level: the most severe severity among its ids.
    ir::Severity sev = ir::Severity::Note;
    for (ir::DiagKind k : ir::diagKindsNamed(kind))
      sev = std::max(sev, ir::diagKindInfo(k).severity);
    nlohmann::json rule = {
        {"id", kind},
        {"name", pascalName(kind)},
        {"shortDescription", {{"text", doc.title}}},
        {"fullDescription", {{"text", doc.summary}}},
        {"help", {{"text", help}, {"markdown", markdown}}},
        {"defaultConfiguration", {{"level", sarifLevel(sev)}, {"enabled", doc.defaultEnabled}}},
        {"properties", {{"tags", nlohmann::json::array({"ci", "github-actions"})}}},
    };
    ruleIndex[kind] = rules.size();
    rules.push_back(std::move(rule));
  }

  nlohmann::json results = nlohmann::json::array();
  for (const ir::Diagnostic &d : diags) {
    std::string kind = d.kindName().str();
    nlohmann::json res;
    res["ruleId"] = kind;
    if (auto it = ruleIndex.find(kind); it != ruleIndex.end())
      res["ruleIndex"] = it->second;
    res["level"] = sarifLevel(d.severity);
    res["message"] = {{"text", d.message}};
    res["locations"] = nlohmann::json::array({locationOf(sm, d.range)});
    if (!d.notes.empty()) {
      nlohmann::json related = nlohmann::json::array();
      for (size_t i = 0; i < d.notes.size(); ++i) {
        const auto &n = d.notes[i];
        nlohmann::json loc = locationOf(sm, n.range.valid() ? n.range : d.range);
        loc["id"] = i;
        loc["message"] = {{"text", n.message}};
        related.push_back(std::move(loc));
      }
      res["relatedLocations"] = std::move(related);
    }
    results.push_back(std::move(res));
  }

  nlohmann::json run = {
      {"tool",
       {{"driver",
         {{"name", "ci-lint"},
          {"version", opts.toolVersion},
          {"semanticVersion", opts.toolVersion},
          {"rules", std::move(rules)}}}}},
      {"columnKind", "unicodeCodePoints"},
      {"results", std::move(results)},
  };
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", nlohmann::json::array({std::move(run)})}};
}

} // namespace backend
