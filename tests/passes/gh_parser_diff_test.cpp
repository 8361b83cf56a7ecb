// Differential test: our compile of every real workflow against GitHub's official parser.
#include "ir/value_json.h"
#include "passes/compile_driver.h"
#include "passes/matrix_expand.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace {

namespace fs = std::filesystem;
// Ordered: the order of matrix keys is the order of the cartesian product.
using json = nlohmann::ordered_json;

/// At least this share of the workflows must agree on every aspect, and every
/// disagreement must be explained in tests/gh-parser/known-differences.txt.
constexpr double kMinAgreement = 0.95;

using testutil::ShellRun;

ShellRun shell(const std::string &cmd) { return testutil::runShell(cmd); }

/// What both sides report for one job.
struct JobFacts {
  std::string id;
  std::vector<std::string> needs;
  std::string condition;
  std::string uses; ///< "" for a normal job
  bool operator==(const JobFacts &o) const {
    return id == o.id && needs == o.needs && condition == o.condition && uses == o.uses;
  }
};

/// The legs of one job's matrix: "none", "dynamic" (known at run time only),
/// "error: ..." or the legs, each `display name | matrix JSON` (the name only
/// when the job's name is a literal).
struct MatrixFacts {
  std::string id;
  std::string kind;
  std::vector<std::string> legs;
  bool operator==(const MatrixFacts &o) const {
    return id == o.id && kind == o.kind && legs == o.legs;
  }
};

/// Everything compared for one file.
struct FileFacts {
  std::vector<JobFacts> jobs;
  std::vector<MatrixFacts> matrices;
  bool errors = false;
  std::string firstError;
};

std::string describe(const std::vector<JobFacts> &jobs) {
  std::string s;
  for (const JobFacts &j : jobs) {
    s += "\n      " + j.id + " needs [";
    for (size_t i = 0; i < j.needs.size(); ++i)
      s += (i ? ", " : "") + j.needs[i];
    s += "] if: " + j.condition;
    if (!j.uses.empty())
      s += " uses: " + j.uses;
  }
  return s;
}

std::string describe(const std::vector<MatrixFacts> &ms) {
  std::string s;
  for (const MatrixFacts &m : ms) {
    s += "\n      " + m.id + ": " + m.kind;
    if (m.kind == "legs") {
      s += " " + std::to_string(m.legs.size());
      for (size_t i = 0; i < m.legs.size() && i < 4; ++i)
        s += "\n        " + m.legs[i];
      if (m.legs.size() > 4)
        s += "\n        ...";
    }
  }
  return s;
}

/// The matrix facts of the root workflow's jobs, in file order, from a compile
/// through resolve-needs, inline-reusable and expand-matrix: a job that calls a
/// reusable workflow with a matrix is split by inline-reusable into one call
/// per leg (`deploy.prod`), so legs are gathered by the job's own id.
std::vector<MatrixFacts> ourMatrices(const fs::path &file) {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::FileId id = sm.addFile(file.string(), testutil::readFile(file));
  passes::PipelineOptions p;
  p.passes = {"resolve-needs", "inline-reusable", "expand-matrix"};
  auto res = passes::compileFile(sm, id, diags, {}, p);
  std::vector<MatrixFacts> out;
  if (!res)
    return out;
  std::string firstError;
  for (const ir::Diagnostic &d : diags.diagnostics())
    if (d.severity == ir::Severity::Error && firstError.empty())
      firstError = d.message;
  std::map<std::string, size_t> index;
  for (const ir::PlanJob &j : res->unit->workflow().jobs) {
    if (!j.call.empty())
      continue; // a member of a call: GitHub's parser reads no callee
    auto [it, fresh] = index.try_emplace(j.localId, out.size());
    if (fresh)
      out.push_back({j.localId, "none", {}});
    MatrixFacts &m = out[it->second];
    const ir::Job *src = j.source;
    if (!(src && src->strategy && (src->strategy->isExpression() || src->matrix())))
      continue;
    bool literalName = !(src->name && src->name->hasExpressions());
    if (!res->completed) {
      m.kind = "not compiled: " + firstError;
    } else if (j.strategy && j.strategy->dynamic()) {
      m.kind = "dynamic";
    } else {
      if (m.kind == "none")
        m.kind = "error";
      for (const ir::PlanInstance &in : j.instances) {
        m.kind = "legs";
        m.legs.push_back((literalName ? in.name : "") + " | " + ir::writeJSON(in.matrix, false));
      }
    }
  }
  return out;
}

/// Ours: lowering and resolve-needs (needs resolved to job ids), GitHub's `if`
/// rewrite from the plan seed, the call target, errors; matrices from ourMatrices.
FileFacts ours(const fs::path &file) {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::FileId id = sm.addFile(file.string(), testutil::readFile(file));
  passes::PipelineOptions p;
  p.passes = {"resolve-needs", "expand-matrix"};
  auto res = passes::compileFile(sm, id, diags, {}, p);
  FileFacts out;
  out.errors = diags.hasErrors();
  for (const ir::Diagnostic &d : diags.diagnostics())
    if (d.severity == ir::Severity::Error) {
      out.firstError = d.message;
      break;
    }
  if (!res)
    return out;
  for (const ir::PlanJob &j : res->unit->workflow().jobs) {
    JobFacts f{j.id, j.needs, j.conditionSource.empty() ? j.condition : j.conditionSource, j.uses};
    // Needs as written when resolve-needs could not run (lowering errors).
    if (!res->completed && j.source && j.needs.empty())
      for (const ir::LocatedString &n : j.source->needs)
        f.needs.push_back(n.value);
    out.jobs.push_back(std::move(f));
  }
  out.matrices = ourMatrices(file);
  return out;
}

std::string str(const json &o, const char *key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

/// GitHub's: what extract.mjs printed. The parser reads `strategy.matrix` but
/// does not expand it: its value is expanded here with our expandMatrix, so
/// the matrix comparison checks what both read, not the expansion algorithm
/// (the worked examples of gha-semantics §2.4 test that).
FileFacts theirs(const json &line) {
  FileFacts out;
  if (auto e = line.find("errors"); e != line.end() && e->is_array() && !e->empty()) {
    out.errors = true;
    out.firstError = (*e)[0].is_string() ? (*e)[0].get<std::string>() : (*e)[0].dump();
  }
  auto jobs = line.find("jobs");
  if (jobs == line.end() || !jobs->is_array())
    return out;
  for (const auto &j : *jobs) {
    JobFacts f;
    f.id = str(j, "id");
    if (auto n = j.find("needs"); n != j.end() && n->is_array())
      for (const auto &e : *n)
        f.needs.push_back(e.is_string() ? e.get<std::string>() : e.dump());
    f.condition = str(j, "if");
    f.uses = str(j, "uses");
    out.jobs.push_back(std::move(f));

    MatrixFacts m{str(j, "id"), "none", {}};
    if (auto mx = j.find("matrix"); mx != j.end()) {
      if (mx->contains("dynamic")) {
        m.kind = "dynamic";
      } else {
        ir::Value value;
        ir::JSONParseError err;
        bool parsed = ir::parseJSON((*mx)["value"].dump(), value, err);
        EXPECT_TRUE(parsed) << (*mx)["value"].dump();
        auto name = j.find("name");
        bool literalName = name == j.end() || name->is_string();
        std::string display = name != j.end() && name->is_string() ? name->get<std::string>() : m.id;
        passes::MatrixOptions opts;
        opts.suffixName = literalName;
        passes::MatrixExpansion x = passes::expandMatrix(value, display, opts);
        if (x.error || x.legs.empty()) {
          m.kind = "error";
        } else {
          m.kind = "legs";
          for (const passes::MatrixLeg &leg : x.legs)
            m.legs.push_back((literalName ? leg.displayName : "") + " | " +
                             ir::writeJSON(leg.matrix, false));
        }
      }
    }
    out.matrices.push_back(std::move(m));
  }
  return out;
}

/// The aspects compared, in report order.
const char *const kAspects[] = {"jobs", "matrix", "errors"};

/// tests/gh-parser/known-differences.txt: `<path under corpus/real> <aspect> <reason>`.
std::map<std::pair<std::string, std::string>, std::string> knownDifferences() {
  std::map<std::pair<std::string, std::string>, std::string> out;
  std::istringstream in(testutil::readFile(testutil::sourceDir() / "tests/gh-parser/known-differences.txt"));
  for (std::string line; std::getline(in, line);) {
    llvm::StringRef l = llvm::StringRef(line).trim();
    if (l.empty() || l.startswith("#"))
      continue;
    auto [path, rest] = l.split(' ');
    auto [aspect, reason] = rest.trim().split(' ');
    EXPECT_TRUE(aspect == "jobs" || aspect == "matrix" || aspect == "errors")
        << "known-differences.txt: unknown aspect '" << aspect.str() << "' for " << path.str();
    EXPECT_FALSE(reason.trim().empty()) << "known-differences.txt: no reason for " << path.str();
    out[{path.str(), aspect.str()}] = reason.trim().str();
  }
  return out;
}

} // namespace

// Every workflow of shared/corpus/real through our frontend, resolve-needs and
// expand-matrix, and through @actions/workflow-parser (tests/gh-parser/extract.mjs).
// Per file three aspects must agree: `jobs` (job ids, needs, the normalized `if`,
// reusable-call targets), `matrix` (per job: none, dynamic, or the legs' names
// and values) and `errors` (whether errors are reported). A disagreement must be
// listed with its reason in tests/gh-parser/known-differences.txt, and at least
// kMinAgreement of the files must agree on all three.
TEST(GhParserDiff, RealCorpusAgreesWithGithubsParser) {
  REQUIRE_SHARED();
  fs::path dir = testutil::sourceDir() / "tests/gh-parser";
  ShellRun setup = shell("'" + (dir / "setup.sh").string() + "' 2>&1");
  if (setup.out.find("SKIPPED:") != std::string::npos)
    GTEST_SKIP() << setup.out;
  ASSERT_EQ(setup.exit, 0) << setup.out;

  fs::path corpus = fs::canonical(testutil::sharedDir() / "corpus/real");
  std::vector<fs::path> files;
  for (const auto &e : fs::recursive_directory_iterator(corpus)) {
    std::string p = e.path().string();
    if (e.is_regular_file() && p.find("/.github/workflows/") != std::string::npos &&
        (e.path().extension() == ".yml" || e.path().extension() == ".yaml"))
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  fs::path list = fs::temp_directory_path() / ("gh_parser_files_" + std::to_string(::getpid()));
  {
    std::ofstream f(list);
    for (const auto &p : files)
      f << p.string() << "\n";
  }
  ShellRun extract = shell("cd '" + dir.string() + "' && node --import ./register.mjs extract.mjs < '" +
                      list.string() + "'");
  fs::remove(list);
  ASSERT_EQ(extract.exit, 0) << extract.out.substr(0, 2000);

  std::map<std::string, json> byFile;
  std::istringstream lines(extract.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty())
      continue;
    auto j = json::parse(line);
    std::string file = str(j, "file");
    byFile[file] = std::move(j);
  }
  ASSERT_EQ(byFile.size(), files.size()) << extract.out.substr(0, 2000);
  auto known = knownDifferences();
  std::set<std::pair<std::string, std::string>> usedKnown;
  unsigned agree = 0, disagree = 0, unexplained = 0, jobsCompared = 0, matricesCompared = 0;
  std::map<std::string, unsigned> byAspect;
  std::string report;
  for (const fs::path &f : files) {
    std::string rel = fs::relative(f, corpus).string();
    auto it = byFile.find(f.string());
    if (it == byFile.end() || it->second.contains("crash")) {
      ++disagree;
      ++unexplained;
      report += "\n  " + rel + ": GitHub's parser produced no result";
      continue;
    }
    FileFacts a = ours(f), b = theirs(it->second);
    jobsCompared += unsigned(b.jobs.size());
    for (const MatrixFacts &m : b.matrices)
      matricesCompared += m.kind != "none";
    bool same[3] = {a.jobs == b.jobs, a.matrices == b.matrices, a.errors == b.errors};
    bool all = same[0] && same[1] && same[2];
    all ? ++agree : ++disagree;
    for (int k = 0; k < 3; ++k) {
      bool listed = known.count({rel, kAspects[k]});
      if (same[k]) {
        if (listed)
          report += "\n  " + rel + " " + kAspects[k] +
                    ": listed in known-differences.txt but agrees now";
        continue;
      }
      ++byAspect[kAspects[k]];
      if (listed) {
        usedKnown.insert({rel, kAspects[k]});
        continue;
      }
      ++unexplained;
      report += "\n  " + rel + " " + kAspects[k] + ":";
      if (k == 0)
        report += "\n    ours:" + describe(a.jobs) + "\n    GitHub's parser:" + describe(b.jobs);
      else if (k == 1)
        report += "\n    ours:" + describe(a.matrices) + "\n    GitHub's parser:" + describe(b.matrices);
      else
        report += std::string("\n    ours: ") + (a.errors ? "errors (" + a.firstError + ")" : "no errors") +
                  "\n    GitHub's parser: " + (b.errors ? "errors (" + b.firstError + ")" : "no errors");
    }
  }
  std::cout << "gh-parser differential: " << agree << " agree, " << disagree << " disagree ("
            << files.size() << " workflows, " << jobsCompared << " jobs, " << matricesCompared
            << " matrices; by aspect: jobs " << byAspect["jobs"] << ", matrix "
            << byAspect["matrix"] << ", errors " << byAspect["errors"] << "; " << unexplained
            << " without a reason in known-differences.txt)\n";
  EXPECT_GE(double(agree), kMinAgreement * double(files.size()))
      << "fewer than " << kMinAgreement * 100 << "% of the workflows agree";
  EXPECT_EQ(unexplained, 0u) << report;
  EXPECT_TRUE(report.empty() || unexplained) << report;
  for (const auto &[key, reason] : known)
    EXPECT_TRUE(usedKnown.count(key))
        << key.first << " (" << key.second
        << ") is listed in known-differences.txt but does not differ (or is missing)";
}
