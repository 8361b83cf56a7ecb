// Differential test: our compile of every real workflow against GitHub's official parser.
#include "passes/compile_driver.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace {

namespace fs = std::filesystem;

struct ShellRun {
  int code = -1;
  std::string out;
};

ShellRun shell(const std::string &cmd) {
  ShellRun r;
  FILE *p = popen(cmd.c_str(), "r");
  if (!p)
    return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

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

/// Ours: lowering + resolve-needs (needs resolved to job ids), GitHub's `if`
/// rewrite from the plan seed, the call target.
std::vector<JobFacts> ours(const fs::path &file) {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::FileId id = sm.addFile(file.string(), testutil::readFile(file));
  passes::PipelineOptions p;
  p.passes = {"resolve-needs"};
  auto res = passes::compileFile(sm, id, diags, {}, p);
  std::vector<JobFacts> out;
  if (!res)
    return out;
  for (const ir::PlanJob &j : res->unit->workflow().jobs) {
    JobFacts f{j.id, j.needs, j.conditionSource.empty() ? j.condition : j.conditionSource, j.uses};
    // Needs as written when resolve-needs could not run (lowering errors).
    if (!res->completed && j.source && j.needs.empty())
      for (const ir::LocatedString &n : j.source->needs)
        f.needs.push_back(n.value);
    out.push_back(std::move(f));
  }
  return out;
}

std::string str(const nlohmann::json &o, const char *key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<JobFacts> theirs(const nlohmann::json &line) {
  std::vector<JobFacts> out;
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
    out.push_back(std::move(f));
  }
  return out;
}

/// tests/gh-parser/known-differences.txt: `<path under corpus/real> <reason>` lines.
std::map<std::string, std::string> knownDifferences() {
  std::map<std::string, std::string> out;
  std::istringstream in(testutil::readFile(testutil::sourceDir() / "tests/gh-parser/known-differences.txt"));
  for (std::string line; std::getline(in, line);) {
    llvm::StringRef l = llvm::StringRef(line).trim();
    if (l.empty() || l.startswith("#"))
      continue;
    auto [path, reason] = l.split(' ');
    out[path.str()] = reason.trim().str();
  }
  return out;
}

} // namespace

// Every workflow of shared/corpus/real through our frontend + resolve-needs and
// through @actions/workflow-parser (tests/gh-parser/extract.mjs): job ids,
// needs, the normalized `if` and reusable-call targets must agree, or the file
// must be listed with the reason in tests/gh-parser/known-differences.txt.
TEST(GhParserDiff, RealCorpusAgreesWithGithubsParser) {
  REQUIRE_SHARED();
  fs::path dir = testutil::sourceDir() / "tests/gh-parser";
  ShellRun setup = shell("'" + (dir / "setup.sh").string() + "' 2>&1");
  if (setup.out.find("SKIPPED:") != std::string::npos)
    GTEST_SKIP() << setup.out;
  ASSERT_EQ(setup.code, 0) << setup.out;

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
  ASSERT_EQ(extract.code, 0) << extract.out.substr(0, 2000);

  std::map<std::string, nlohmann::json> byFile;
  std::istringstream lines(extract.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty())
      continue;
    auto j = nlohmann::json::parse(line);
    std::string file = str(j, "file");
    byFile[file] = std::move(j);
  }
  ASSERT_EQ(byFile.size(), files.size()) << extract.out.substr(0, 2000);
  auto known = knownDifferences();
  std::set<std::string> usedKnown;
  unsigned agree = 0, explained = 0, unexplained = 0, jobsCompared = 0;
  std::string report;
  for (const fs::path &f : files) {
    std::string rel = fs::relative(f, corpus).string();
    auto it = byFile.find(f.string());
    if (it == byFile.end() || it->second.contains("crash")) {
      ++unexplained;
      report += "\n  " + rel + ": GitHub's parser produced no result";
      continue;
    }
    std::vector<JobFacts> a = ours(f), b = theirs(it->second);
    jobsCompared += unsigned(b.size());
    if (a == b) {
      ++agree;
      if (known.count(rel))
        report += "\n  " + rel + ": listed in known-differences.txt but agrees now";
      continue;
    }
    if (known.count(rel)) {
      ++explained;
      usedKnown.insert(rel);
      continue;
    }
    ++unexplained;
    report += "\n  " + rel + ":\n    ours:" + describe(a) + "\n    GitHub's parser:" + describe(b);
  }
  std::cout << "gh-parser differential: " << agree << " of " << files.size()
            << " workflows agree (" << jobsCompared << " jobs), " << explained
            << " differ with a reason in known-differences.txt, " << unexplained
            << " differ without one\n";
  EXPECT_EQ(unexplained, 0u) << report;
  for (const auto &[path, reason] : known)
    EXPECT_TRUE(usedKnown.count(path) || byFile.empty())
        << path << " is listed in known-differences.txt but does not differ (or is missing)";
}
