// hashFiles() over a temporary workspace: globbing, negation, order, digest.
#include "runtime/hash_files.h"

#include <gtest/gtest.h>

#include <openssl/sha.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

struct Workspace {
  fs::path root;
  Workspace() {
    root = fs::temp_directory_path() / ("ci-hashfiles-" + std::to_string(::getpid()));
    fs::remove_all(root);
    write("go.sum", "a\n");
    write("src/app/go.sum", "b\n");
    write("vendor/lib/go.sum", "c\n");
    write(".hidden/go.sum", "d\n");
    write("docs/readme.md", "e\n");
  }
  ~Workspace() { fs::remove_all(root); }
  void write(const std::string &rel, const std::string &text) {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel) << text;
  }
};

std::string hexOfSha256OfDigests(const std::vector<std::string> &contents) {
  std::string digests; // hashing the concatenation equals hashing them in sequence
  for (const std::string &c : contents) {
    unsigned char d[32];
    SHA256(reinterpret_cast<const unsigned char *>(c.data()), c.size(), d);
    digests.append(reinterpret_cast<const char *>(d), 32);
  }
  unsigned char out[32];
  SHA256(reinterpret_cast<const unsigned char *>(digests.data()), digests.size(), out);
  std::string hex;
  char buf[3];
  for (unsigned char b : out) {
    snprintf(buf, sizeof buf, "%02x", b);
    hex += buf;
  }
  return hex;
}

} // namespace

// `**` crosses directories (dot folders included); `!` excludes; results sorted.
TEST(HashFiles, GlobWithNegation) {
  Workspace w;
  auto files = runtime::matchWorkspaceFiles(w.root.string(), {"**/go.sum", "!vendor/**"});
  ASSERT_TRUE(bool(files));
  EXPECT_EQ(*files, (std::vector<std::string>{".hidden/go.sum", "go.sum", "src/app/go.sum"}));
  auto dir = runtime::matchWorkspaceFiles(w.root.string(), {"./docs"});
  ASSERT_TRUE(bool(dir));
  EXPECT_EQ(*dir, (std::vector<std::string>{"docs/readme.md"})); // a directory selects its files
}

// The digest is SHA-256 over each file's SHA-256, in sorted path order.
TEST(HashFiles, DigestOfDigests) {
  Workspace w;
  auto h = runtime::hashFiles(w.root.string(), {"**/go.sum", "!vendor/**", "!.hidden"});
  ASSERT_TRUE(bool(h));
  EXPECT_EQ(*h, hexOfSha256OfDigests({"a\n", "b\n"}));
  auto none = runtime::hashFiles(w.root.string(), {"*.nothing"});
  ASSERT_TRUE(bool(none));
  EXPECT_EQ(*none, "");
  EXPECT_FALSE(bool(runtime::hashFiles((w.root / "missing").string(), {"*"})));
}

// Pattern rules: segments, `?`, character classes, absolute workspace paths.
TEST(HashFiles, PatternMatching) {
  EXPECT_TRUE(runtime::globMatches("*.md", "readme.md"));
  EXPECT_FALSE(runtime::globMatches("*.md", "docs/readme.md"));
  EXPECT_TRUE(runtime::globMatches("**/*.md", "docs/readme.md"));
  EXPECT_TRUE(runtime::globMatches("docs/r?adme.[mM]d", "docs/readme.md"));
  EXPECT_TRUE(runtime::globMatches("docs", "docs/readme.md"));
  EXPECT_FALSE(runtime::globMatches("# comment", "x"));
}
