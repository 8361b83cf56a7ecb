// The ci-expr tool: one-shot evaluation, errors with a caret, JSON lines, exit codes.
#include "test_util.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct RunResult {
  int status;
  std::string out;
};

RunResult run(const std::string &args, const std::string &stdinText = "") {
  // ctest runs tests in parallel processes: names carry the process id.
  std::string input = (std::filesystem::temp_directory_path() /
                       ("ci-expr-in-" + std::to_string(::getpid()) + ".txt"))
                          .string();
  std::ofstream(input) << stdinText;
  std::string cmd = (testutil::binDir() / "ci-expr").string() + " " + args + " < " + input + " 2>&1";
  FILE *p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    out.append(buf, n);
  int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

} // namespace

// A value prints as JSON with exit 0; contexts come from files.
TEST(CiExpr, EvaluatesWithContextFiles) {
  auto dir = std::filesystem::temp_directory_path() / ("ci-expr-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ci-expr-gh.json") << R"({"event_name": "push", "labels": [{"name": "a"}]})";
  RunResult r = run("\"github.event_name == 'PUSH' && github.labels.*.name\" --context github=" +
              (dir / "ci-expr-gh.json").string());
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "[\n  \"a\"\n]\n");
  std::ofstream(dir / "ci-expr-all.json") << R"({"env": {"X": "1"}})";
  r = run("env.X --contexts " + (dir / "ci-expr-all.json").string());
  EXPECT_EQ(r.out, "\"1\"\n");
}

// An error prints GitHub's message and a caret under the position, exit 1;
// usage errors exit 2.
TEST(CiExpr, ErrorsAndExitCodes) {
  RunResult r = run("\"1 = 1\"");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "error: Unexpected symbol: '='. Located at position 3 within expression: 1 = 1\n"
                   "  1 = 1\n"
                   "    ^\n");
  EXPECT_EQ(run("--bogus").status, 2);
  EXPECT_EQ(run("x --context github=/no/such/file.json").status, 2);
}

// --jsonl answers each request line with a result or an error line.
TEST(CiExpr, JsonLines) {
  RunResult r = run("--jsonl", "{\"expr\": \"format('{0}', x)\", \"contexts\": {\"x\": 1.5}}\n"
                         "{\"expr\": \"1 / 2\"}\n"
                         "{\"expr\": \"-Infinity\"}\n"
                         "{\"expr\": \"cancelled()\", \"functions\": {\"cancelled\": false}}\n"
                         "not json\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "{\"result\":{\"kind\":\"String\",\"value\":\"1.5\"}}\n"
            "{\"error\":{\"kind\":\"lexing\",\"message\":\"Unexpected symbol: '/'. Located at "
            "position 3 within expression: 1 / 2\"}}\n"
            "{\"result\":{\"kind\":\"Number\",\"value\":\"-Infinity\"}}\n"
            "{\"result\":{\"kind\":\"Boolean\",\"value\":false}}\n"
            "{\"error\":{\"kind\":\"request\",\"message\":\"invalid JSON: Unexpected token 'n' "
            "at column 1\"}}\n");
}
