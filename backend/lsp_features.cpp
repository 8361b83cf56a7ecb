// Editor features answered from the YAML tree and the text: symbols, completion, definition, hover.
#include "backend/lsp_features.h"

#include "backend/lsp_workflow_keys.h"
#include "passes/lint_runner_labels.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

namespace backend {

using frontend::YamlNode;

LanguageFeatures::~LanguageFeatures() = default;

namespace {

struct LineShape {
  bool blank = true;
  unsigned ind = 0;        ///< columns of leading spaces
  bool item = false;       ///< starts with "- "
  unsigned contentInd = 0; ///< where the mapping content starts
  llvm::StringRef key;     ///< "key" of "key:" ("" if none)
  bool keyHasValue = false;
};

LineShape shapeOf(llvm::StringRef line) {
  LineShape s;
  size_t i = 0;
  while (i < line.size() && line[i] == ' ')
    ++i;
  llvm::StringRef rest = line.substr(i);
  if (rest.empty() || rest.startswith("#"))
    return s;
  s.blank = false;
  s.ind = static_cast<unsigned>(i);
  s.contentInd = s.ind;
  if (rest == "-" || rest.startswith("- ")) {
    s.item = true;
    size_t j = 1;
    while (j < rest.size() && rest[j] == ' ')
      ++j;
    s.contentInd = s.ind + static_cast<unsigned>(j);
    rest = rest.substr(j);
  }
  // key: value  (plain or quoted key)
  size_t colon = llvm::StringRef::npos;
  for (size_t k = 0; k < rest.size(); ++k) {
    if (rest[k] == '#' && k > 0 && rest[k - 1] == ' ')
      break;
    if (rest[k] == ':' && (k + 1 == rest.size() || rest[k + 1] == ' ')) {
      colon = k;
      break;
    }
  }
  if (colon != llvm::StringRef::npos && colon > 0) {
    llvm::StringRef k = rest.substr(0, colon).trim();
    if ((k.startswith("'") && k.endswith("'")) || (k.startswith("\"") && k.endswith("\"")))
      k = k.drop_front().drop_back();
    s.key = k;
    llvm::StringRef v = rest.substr(colon + 1).trim();
    s.keyHasValue = !v.empty() && !v.startswith("#");
  }
  return s;
}

bool contains(const ir::SourceRange &r, ir::SourcePos p) {
  return r.valid() && r.start() <= p && p < r.end();
}

// The key or scalar at `pos`, with the key path leading to it.
struct Located {
  const YamlNode *node = nullptr;
  bool isKey = false;
  std::vector<std::string> path; ///< keys above the node (for a key: its mapping's path)
};

void locate(const YamlNode *n, ir::SourcePos pos, std::vector<std::string> &path, Located &out,
            int depth = 0) {
  if (!n || depth > 64)
    return;
  if (n->isMapping()) {
    for (const auto &e : n->entries) {
      if (contains(e.key->range, pos)) {
        out = {e.key, true, path};
        return;
      }
      if (contains(e.value->range, pos) ||
          (e.value->isNull() && e.value->range.line == pos.line)) {
        path.push_back(e.key->value.str());
        locate(e.value, pos, path, out, depth + 1);
        path.pop_back();
        return;
      }
    }
  } else if (n->isSequence()) {
    for (const YamlNode *item : n->items)
      if (contains(item->range, pos)) {
        path.push_back("-");
        locate(item, pos, path, out, depth + 1);
        path.pop_back();
        return;
      }
  } else if (contains(n->range, pos)) {
    out = {n, false, path};
  }
}

const passes::YamlJobView *findJob(const passes::YamlWorkflowView &v, llvm::StringRef id) {
  for (const auto &j : v.jobs)
    if (j.id().equals_insensitive(id))
      return &j;
  return nullptr;
}

const passes::YamlJobView *jobAtLine(const passes::YamlWorkflowView &v, uint32_t line) {
  const passes::YamlJobView *found = nullptr;
  for (const auto &j : v.jobs)
    if (j.key && j.key->range.line <= line)
      found = &j;
  return found;
}

std::string scalarSummary(const YamlNode *n) {
  if (!n)
    return "";
  if (n->isScalar())
    return n->value.str();
  if (n->isSequence()) {
    std::string s;
    for (const YamlNode *i : n->items)
      if (i->isScalar())
        s += (s.empty() ? "" : ", ") + i->value.str();
    return "[" + s + "]";
  }
  return "{...}";
}

std::string jobMarkdown(const passes::YamlJobView &j) {
  std::string md = "**job `" + j.id().str() + "`** (line " + std::to_string(j.key->range.line) + ")";
  if (const YamlNode *name = j.node->get("name"); name && name->isScalar())
    md += ": " + name->value.str();
  md += "\n\n";
  if (j.runsOn)
    md += "- runs-on: `" + scalarSummary(j.runsOn) + "`\n";
  if (const YamlNode *needs = j.node->get("needs"))
    md += "- needs: `" + scalarSummary(needs) + "`\n";
  if (const YamlNode *uses = j.node->get("uses"); uses && uses->isScalar())
    md += "- calls: `" + uses->value.str() + "`\n";
  md += "- steps: " + std::to_string(j.steps.size()) + "\n";
  return md;
}

// `needs.X` around column `col` (code points) of `line`: X and its range.
std::optional<std::pair<std::string, ir::SourceRange>>
needsRefAt(llvm::StringRef line, uint32_t lineNo, uint32_t col, ir::FileId file) {
  size_t at = 0;
  while ((at = line.find("needs.", at)) != llvm::StringRef::npos) {
    if (at > 0 && (llvm::isAlnum(line[at - 1]) || line[at - 1] == '_' || line[at - 1] == '.')) {
      at += 6;
      continue;
    }
    size_t b = at + 6, e = b;
    while (e < line.size() && (llvm::isAlnum(line[e]) || line[e] == '_' || line[e] == '-'))
      ++e;
    uint32_t cb = ir::columnOfByteOffset(line, at), ce = ir::columnOfByteOffset(line, e);
    if (e > b && col >= cb && col < ce)
      return std::make_pair(line.slice(b, e).str(),
                            ir::SourceRange{file, lineNo, cb, lineNo, ce});
    at = e;
  }
  return std::nullopt;
}

bool isNeedsPath(const std::vector<std::string> &p) {
  return (p.size() == 3 && p[0] == "jobs" && p[2] == "needs") ||
         (p.size() == 4 && p[0] == "jobs" && p[2] == "needs" && p[3] == "-");
}

const char *const kContexts[] = {"github", "env",    "vars",  "job",    "jobs",   "steps",
                                 "runner", "secrets", "strategy", "matrix", "needs", "inputs"};
const char *const kFunctions[] = {"contains",  "startsWith", "endsWith", "format", "join",
                                  "toJSON",    "fromJSON",   "hashFiles", "success", "always",
                                  "cancelled", "failure"};
const char *const kShells[] = {"bash", "sh", "pwsh", "powershell", "python", "cmd"};

struct ContextProps {
  const char *context;
  const char *props;
};
const ContextProps kProps[] = {
    {"github", "action,action_path,actor,actor_id,api_url,base_ref,event,event_name,event_path,"
               "graphql_url,head_ref,job,ref,ref_name,ref_protected,ref_type,repository,"
               "repository_id,repository_owner,repositoryUrl,retention_days,run_attempt,run_id,"
               "run_number,server_url,sha,token,triggering_actor,workflow,workflow_ref,"
               "workflow_sha,workspace"},
    {"runner", "arch,debug,environment,name,os,temp,tool_cache"},
    {"job", "check_run_id,container,services,status"},
    {"strategy", "fail-fast,job-index,job-total,max-parallel"},
};

class YamlFeatures final : public LanguageFeatures {
public:
  std::vector<SymbolEntry> documentSymbols(const FeatureContext &fc) override {
    std::vector<SymbolEntry> out;
    passes::YamlWorkflowView v = passes::buildYamlView(fc.yaml.root, fc.kind);
    for (const auto &j : v.jobs) {
      SymbolEntry job;
      job.kind = SymbolKind::Job;
      if (j.key) {
        job.name = j.id().str();
        job.selection = j.key->range;
        job.range = ir::SourceRange::span(j.key->range, j.node->range);
      } else {
        job.name = "runs";
        job.selection = j.node->range;
        job.range = j.node->range;
      }
      if (const YamlNode *name = j.node->get("name"); name && name->isScalar())
        job.detail = name->value.str();
      for (const auto &s : j.steps) {
        SymbolEntry step;
        step.kind = SymbolKind::Step;
        step.range = s.node->range;
        step.selection = s.node->range;
        const YamlNode *name = s.node->get("name");
        if (name && name->isScalar()) {
          step.name = name->value.str();
          step.selection = name->range;
        } else if (s.id && s.id->isScalar()) {
          step.name = s.id->value.str();
          step.selection = s.id->range;
        } else if (s.uses && s.uses->isScalar()) {
          step.name = s.uses->value.str();
          step.selection = s.uses->range;
        } else if (s.run && s.run->value->isScalar()) {
          llvm::StringRef first = s.run->value->value.trim().split('\n').first;
          step.name = "run: " + first.str();
          step.selection = s.run->key->range;
        } else {
          step.name = "step " + std::to_string(s.index + 1);
        }
        if (step.name.empty())
          step.name = "step " + std::to_string(s.index + 1);
        if (s.id && s.id->isScalar())
          step.detail = "id: " + s.id->value.str();
        job.children.push_back(std::move(step));
      }
      out.push_back(std::move(job));
    }
    return out;
  }

  std::optional<ir::SourceRange> definition(const FeatureContext &fc,
                                            ir::SourcePos pos) override {
    passes::YamlWorkflowView v = passes::buildYamlView(fc.yaml.root, fc.kind);
    if (auto id = referencedJob(fc, pos))
      if (const auto *j = findJob(v, id->first))
        return j->key->range;
    return std::nullopt;
  }

  std::optional<HoverInfo> hover(const FeatureContext &fc, ir::SourcePos pos) override {
    passes::YamlWorkflowView v = passes::buildYamlView(fc.yaml.root, fc.kind);
    if (auto id = referencedJob(fc, pos)) {
      if (const auto *j = findJob(v, id->first))
        return HoverInfo{jobMarkdown(*j), id->second};
      return HoverInfo{"no job `" + id->first + "` in this workflow", id->second};
    }
    Located loc;
    std::vector<std::string> path;
    locate(fc.yaml.root, pos, path, loc);
    if (loc.node && loc.isKey) {
      for (const WorkflowKey *k : keysAt(loc.path, fc.kind == passes::LintFileKind::Action))
        if (loc.node->value == k->key)
          return HoverInfo{"**" + std::string(k->key) + "**: " + k->doc, loc.node->range};
    }
    return std::nullopt;
  }

  std::vector<CompletionEntry> complete(const FeatureContext &fc, ir::SourcePos pos) override {
    std::vector<CompletionEntry> out;
    llvm::StringRef line = fc.doc.lineText(pos.line - 1);
    llvm::StringRef before = line.substr(0, ir::byteOffsetOfColumn(line, pos.col));
    passes::YamlWorkflowView v = passes::buildYamlView(fc.yaml.root, fc.kind);
    const passes::YamlJobView *job = jobAtLine(v, pos.line);

    // Inside `${{ ... ` on this line.
    size_t open = before.rfind("${{");
    if (open != llvm::StringRef::npos && before.find("}}", open) == llvm::StringRef::npos) {
      llvm::StringRef expr = before.substr(open + 3);
      size_t t = expr.size();
      while (t > 0 && (llvm::isAlnum(expr[t - 1]) || expr[t - 1] == '_' || expr[t - 1] == '-' ||
                       expr[t - 1] == '.'))
        --t;
      llvm::StringRef token = expr.substr(t);
      size_t dot = token.rfind('.');
      if (dot == llvm::StringRef::npos) {
        for (const char *c : kContexts)
          out.push_back({c, "context", "", CompletionKind::Variable});
        for (const char *f : kFunctions)
          out.push_back({f, "function", std::string(f) + "(", CompletionKind::Function});
        return out;
      }
      llvm::StringRef ctx = token.substr(0, dot);
      if (ctx == "needs") {
        for (const auto &j : v.jobs)
          if (j.key && (!job || j.key != job->key))
            out.push_back({j.id().str(), "job", "", CompletionKind::Reference});
      } else if (ctx == "matrix" && job && job->matrix && job->matrix->isMapping()) {
        for (const auto &e : job->matrix->entries)
          if (e.key->value != "include" && e.key->value != "exclude")
            out.push_back({e.key->value.str(), "matrix key", "", CompletionKind::Variable});
      } else if (ctx == "steps" && job) {
        for (const auto &s : job->steps)
          if (s.id && s.id->isScalar() && s.node->range.line < pos.line)
            out.push_back({s.id->value.str(), "step id", "", CompletionKind::Reference});
      } else {
        for (const auto &p : kProps)
          if (ctx == p.context) {
            llvm::SmallVector<llvm::StringRef, 32> props;
            llvm::StringRef(p.props).split(props, ',');
            for (llvm::StringRef pr : props)
              out.push_back({pr.str(), std::string(p.context) + " property", "",
                             CompletionKind::Variable});
          }
      }
      return out;
    }

    std::vector<std::string> path = keyPathAt(fc.doc, pos);
    LineShape cur = shapeOf(before);
    // Typing a value after `key: ` on this line.
    if (!cur.blank && !cur.key.empty()) {
      if (cur.key == "needs") {
        addJobIds(v, job, out);
      } else if (cur.key == "runs-on") {
        for (const auto &l : passes::knownRunnerLabels())
          if (!l.retired)
            out.push_back({l.label, l.hosted ? "GitHub-hosted runner" : "self-hosted label", "",
                           CompletionKind::Value});
      } else if (cur.key == "shell") {
        for (const char *s : kShells)
          out.push_back({s, "shell", "", CompletionKind::Value});
      }
      return out;
    }
    if (isNeedsPath(path)) {
      addJobIds(v, job, out);
      return out;
    }
    for (const WorkflowKey *k : keysAt(path, fc.kind == passes::LintFileKind::Action))
      out.push_back({k->key, k->doc, std::string(k->key) + ": ",
                     k->isEvent ? CompletionKind::Event : CompletionKind::Property});
    return out;
  }

private:
  static void addJobIds(const passes::YamlWorkflowView &v, const passes::YamlJobView *job,
                        std::vector<CompletionEntry> &out) {
    for (const auto &j : v.jobs)
      if (j.key && (!job || j.key != job->key))
        out.push_back({j.id().str(), "job", "", CompletionKind::Reference});
  }

  // The job id referenced at `pos`: a `needs:` entry or a `needs.X` in text.
  static std::optional<std::pair<std::string, ir::SourceRange>>
  referencedJob(const FeatureContext &fc, ir::SourcePos pos) {
    Located loc;
    std::vector<std::string> path;
    locate(fc.yaml.root, pos, path, loc);
    if (loc.node && !loc.isKey && loc.node->isScalar() && isNeedsPath(loc.path))
      return std::make_pair(loc.node->value.str(), loc.node->range);
    return needsRefAt(fc.doc.lineText(pos.line - 1), pos.line, pos.col, fc.file);
  }
};

} // namespace

std::vector<std::string> keyPathAt(const LspDocument &doc, ir::SourcePos pos) {
  std::vector<std::string> rev;
  if (pos.line == 0)
    return rev;
  uint32_t lineIdx = pos.line - 1;
  llvm::StringRef line = doc.lineText(lineIdx);
  llvm::StringRef before = line.substr(0, ir::byteOffsetOfColumn(line, pos.col));
  LineShape cur = shapeOf(before);
  unsigned threshold;
  if (cur.blank) {
    threshold = pos.col > 0 ? pos.col - 1 : 0;
  } else if (cur.item) {
    rev.push_back("-");
    threshold = cur.ind;
  } else {
    threshold = cur.ind;
  }
  for (uint32_t l = lineIdx; l-- > 0 && threshold > 0;) {
    LineShape s = shapeOf(doc.lineText(l));
    if (s.blank)
      continue;
    if (s.item) {
      if (s.contentInd < threshold && !s.key.empty() && !s.keyHasValue) {
        rev.push_back(s.key.str());
        threshold = s.contentInd;
      }
      if (s.ind < threshold) {
        rev.push_back("-");
        threshold = s.ind;
      }
    } else if (s.ind < threshold && !s.key.empty()) {
      rev.push_back(s.key.str());
      threshold = s.ind;
    }
  }
  return {rev.rbegin(), rev.rend()};
}

std::unique_ptr<LanguageFeatures> createYamlLanguageFeatures() {
  return std::make_unique<YamlFeatures>();
}

} // namespace backend
