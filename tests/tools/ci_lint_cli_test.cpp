// ci-lint as a user runs it: exit codes, formats, stdin, discovery, config, flags.
#include "test_util.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

struct CliRun {
  int rc;
  std::string out;
};

// Runs `ci-lint ARGS` in `cwd` with `input` on stdin; stderr is captured too.
CliRun ciLint(const std::string &args, const fs::path &cwd = fs::current_path(),
           const std::string &input = "") {
  llvm::SmallString<128> inFile;
  llvm::sys::fs::createTemporaryFile("ci-lint-stdin", "txt", inFile);
  std::ofstream(std::string(inFile.str())) << input;
  std::string cmd = "cd '" + cwd.string() + "' && '" + (testutil::binDir() / "ci-lint").string() +
                    "' " + args + " < '" + std::string(inFile.str()) + "' 2>&1";
  FILE *p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p))
    out.append(buf, n);
  int status = pclose(p);
  llvm::sys::fs::remove(inFile);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

struct TempRepo {
  fs::path root;
  TempRepo() {
    llvm::SmallString<128> p;
    llvm::sys::fs::createUniqueDirectory("ci-lint-cli", p);
    root = std::string(p.str());
    fs::create_directories(root / ".git");
  }
  ~TempRepo() { fs::remove_all(root); }
  void write(const std::string &rel, const std::string &text) {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel, std::ios::binary) << text;
  }
};

const char *kClean = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n";
const char *kBad = "on:\n  schedule:\n    - cron: '* * * * *'\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n";

} // namespace

// Exit 0 for a clean file, 1 with problems; the text format shows file:line:col and the kind.
TEST(CiLintCli, ExitCodesAndTextOutput) {
  TempRepo repo;
  repo.write("clean.yml", kClean);
  repo.write("bad.yml", kBad);
  CliRun r = ciLint("--no-shellcheck clean.yml", repo.root);
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(r.out, "");
  r = ciLint("--no-shellcheck --color=never bad.yml clean.yml", repo.root);
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.out.substr(0, 34), "bad.yml:3:13: error: scheduled job");
  EXPECT_NE(r.out.find("[events]\n 3 |     - cron: '* * * * *'\n"), std::string::npos) << r.out;
}

// Usage errors exit 2 and say what is wrong.
TEST(CiLintCli, UsageErrorsExitTwo) {
  CliRun r = ciLint("--format=xml x.yml");
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.out.find("unknown format 'xml'"), std::string::npos);
  r = ciLint("--enable nosuchkind x.yml");
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.out.find("unknown kind \"nosuchkind\""), std::string::npos);
  r = ciLint("--bogus");
  EXPECT_EQ(r.rc, 2);
  r = ciLint("--ignore '(' x.yml");
  EXPECT_EQ(r.rc, 2);
  r = ciLint("-j 0 x.yml");
  EXPECT_EQ(r.rc, 2);
  r = ciLint("--help");
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.out.find("usage: ci-lint"), std::string::npos);
}

// A file that cannot be read is an internal failure (exit 3).
TEST(CiLintCli, UnreadableFileExitsThree) {
  TempRepo repo;
  CliRun r = ciLint("missing.yml", repo.root);
  EXPECT_EQ(r.rc, 3);
  EXPECT_NE(r.out.find("cannot read missing.yml"), std::string::npos) << r.out;
}

// '-' lints stdin under --stdin-filename; the actionlint format is one line per finding.
TEST(CiLintCli, StdinWithFilename) {
  TempRepo repo;
  CliRun r = ciLint("--format=actionlint --stdin-filename .github/workflows/x.yml -", repo.root, kBad);
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.out, ".github/workflows/x.yml:3:13: scheduled job runs too frequently. it runs once "
                   "per 60 seconds. the shortest interval is once every 5 minutes [events]\n");
  r = ciLint("--format=json -", repo.root, kBad);
  EXPECT_NE(r.out.find("\"file\": \"<stdin>\""), std::string::npos) << r.out;
}

// With no files, the repository's workflows and action files are found from a subdirectory.
TEST(CiLintCli, DiscoversRepositoryFiles) {
  TempRepo repo;
  repo.write(".github/workflows/ci.yml", kBad);
  repo.write(".github/workflows/ok.yaml", kClean);
  repo.write(".github/actions/setup/action.yml",
             "name: s\nruns:\n  using: composite\n  steps:\n    - run: echo \"::set-output name=a::b\"\n      shell: bash\n");
  fs::create_directories(repo.root / "src");
  CliRun r = ciLint("--no-shellcheck --format=actionlint", repo.root / "src");
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.out.find("../.github/workflows/ci.yml:3:13:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("../.github/actions/setup/action.yml:5:18: workflow command \"set-output\""),
            std::string::npos)
      << r.out;
  TempRepo empty;
  fs::remove_all(empty.root / ".git");
  r = ciLint("", empty.root);
  EXPECT_EQ(r.rc, 2) << r.out; // no repository: nothing to lint
}

// A directory argument: a repository is linted as from inside it; any other
// directory gives its .yml/.yaml files (not other files, not subdirectories).
TEST(CiLintCli, DirectoryArguments) {
  TempRepo repo;
  repo.write(".github/workflows/ci.yml", kBad);
  repo.write(".github/workflows/ok.yaml", kClean);
  repo.write(".github/workflows/notes.txt", "not yaml: [");
  repo.write(".github/workflows/sub/other.yml", kBad);
  CliRun r = ciLint("--no-shellcheck --format=actionlint .github/workflows", repo.root);
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_NE(r.out.find(".github/workflows/ci.yml:3:13:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("notes.txt"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("other.yml"), std::string::npos) << r.out;
  fs::create_directories(repo.root / "elsewhere");
  r = ciLint("--no-shellcheck --format=actionlint ..", repo.root / "elsewhere");
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_NE(r.out.find("../.github/workflows/ci.yml:3:13:"), std::string::npos) << r.out;
}

// The config file, --disable, --ignore and suppression comments silence findings.
TEST(CiLintCli, ConfigFlagsAndSuppressions) {
  TempRepo repo;
  repo.write("w.yml", kBad);
  EXPECT_EQ(ciLint("--no-shellcheck --disable events w.yml", repo.root).rc, 0);
  EXPECT_EQ(ciLint("--no-shellcheck --ignore 'runs too frequently' w.yml", repo.root).rc, 0);
  repo.write(".github/ci-lint.yaml", "paths:\n  w.yml:\n    ignore: ['scheduled job']\n");
  EXPECT_EQ(ciLint("--no-shellcheck w.yml", repo.root).rc, 0);
  repo.write(".github/ci-lint.yaml", "disable: [nope]\n");
  CliRun r = ciLint("--no-shellcheck --format=actionlint w.yml", repo.root);
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.out.find("ci-lint.yaml:1:11: unknown kind \"nope\" in \"disable\" [config]"),
            std::string::npos)
      << r.out;
  fs::remove(repo.root / ".github" / "ci-lint.yaml");
  std::string suppressed = kBad;
  suppressed.replace(suppressed.find("'* * * * *'"), 11, "'* * * * *' # ci-lint: ignore[events] load test");
  repo.write("s.yml", suppressed);
  EXPECT_EQ(ciLint("--no-shellcheck s.yml", repo.root).rc, 0);
}

// --format=github prints workflow commands; --list-kinds documents every kind.
TEST(CiLintCli, GithubFormatAndKindList) {
  TempRepo repo;
  repo.write("w.yml", kBad);
  CliRun r = ciLint("--no-shellcheck --format=github w.yml", repo.root);
  EXPECT_EQ(r.out.substr(0, 56), "::error file=w.yml,line=3,col=13,endLine=3,endColumn=23,");
  r = ciLint("--list-kinds");
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.out.find("runner-label: Checks runs-on labels"), std::string::npos);
  EXPECT_NE(r.out.find("shellcheck: "), std::string::npos);
}
