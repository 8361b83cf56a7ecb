// Matrix expansion: the worked examples of gha-semantics §2.4 and edge cases.
#include "passes/matrix_expand.h"

#include "ir/value_json.h"

#include <gtest/gtest.h>

using namespace passes;

namespace {

ir::Value json(llvm::StringRef text) {
  ir::Value v;
  ir::JSONParseError err;
  EXPECT_TRUE(ir::parseJSON(text, v, err)) << text.str();
  return v;
}

std::vector<std::string> names(const MatrixExpansion &m) {
  std::vector<std::string> out;
  for (const auto &l : m.legs)
    out.push_back(l.displayName);
  return out;
}

std::string compact(const ir::Value &v) { return ir::writeJSON(v, false); }

} // namespace

// Ex 1: product in declaration order, first key slowest.
TEST(MatrixExpand, PlainProductOrder) {
  auto m = expandMatrix(json(R"({"version":[10,12,14],"os":["ubuntu-latest","windows-latest"]})"),
                        "example_matrix");
  ASSERT_FALSE(m.error);
  EXPECT_EQ(names(m), (std::vector<std::string>{
                          "example_matrix (10, ubuntu-latest)", "example_matrix (10, windows-latest)",
                          "example_matrix (12, ubuntu-latest)", "example_matrix (12, windows-latest)",
                          "example_matrix (14, ubuntu-latest)", "example_matrix (14, windows-latest)"}));
  EXPECT_EQ(compact(m.legs[1].matrix), R"({"version":10,"os":"windows-latest"})");
}

// Ex 2: partial-match excludes leave 9 of 12 combinations.
TEST(MatrixExpand, PartialMatchExclude) {
  auto m = expandMatrix(json(R"({"os":["macos-latest","windows-latest"],"version":[12,14,16],
      "environment":["staging","production"],
      "exclude":[{"os":"macos-latest","version":12,"environment":"production"},
                 {"os":"windows-latest","version":16}]})"),
                        "j");
  ASSERT_FALSE(m.error);
  ASSERT_EQ(m.legs.size(), 9u);
  EXPECT_EQ(m.legs[0].displayName, "j (macos-latest, 12, staging)");
  EXPECT_EQ(m.legs[1].displayName, "j (macos-latest, 14, staging)");
  EXPECT_EQ(m.legs[8].displayName, "j (windows-latest, 14, production)");
}

// Ex 3: include extends without overwriting, later extras win, unmatched appended.
TEST(MatrixExpand, IncludeSemantics) {
  auto m = expandMatrix(json(R"({"fruit":["apple","pear"],"animal":["cat","dog"],"include":[
      {"color":"green"},{"color":"pink","animal":"cat"},{"fruit":"apple","shape":"circle"},
      {"fruit":"banana"},{"fruit":"banana","animal":"cat"}]})"),
                        "job");
  ASSERT_FALSE(m.error);
  EXPECT_EQ(names(m), (std::vector<std::string>{"job (apple, cat)", "job (apple, dog)",
                                                 "job (pear, cat)", "job (pear, dog)",
                                                 "job (banana)", "job (banana, cat)"}));
  EXPECT_EQ(compact(m.legs[0].matrix),
            R"({"fruit":"apple","animal":"cat","color":"pink","shape":"circle"})");
  EXPECT_EQ(compact(m.legs[1].matrix),
            R"({"fruit":"apple","animal":"dog","color":"green","shape":"circle"})");
  EXPECT_EQ(compact(m.legs[2].matrix), R"({"fruit":"pear","animal":"cat","color":"pink"})");
  EXPECT_EQ(compact(m.legs[5].matrix), R"({"fruit":"banana","animal":"cat"})");
  EXPECT_TRUE(m.legs[4].appended);
}

// Ex 4 and the extra checks of §2.4.
TEST(MatrixExpand, ExpandOneLegAndAppendedIncludes) {
  auto a = expandMatrix(json(R"({"os":["windows-latest","ubuntu-latest"],"node":[14,16],
      "include":[{"os":"windows-latest","node":16,"npm":6}]})"),
                        "t");
  ASSERT_EQ(a.legs.size(), 4u);
  EXPECT_EQ(compact(a.legs[1].matrix), R"({"os":"windows-latest","node":16,"npm":6})");
  auto b = expandMatrix(json(R"({"version":[6,7,8],"experimental":[false],
      "include":[{"version":9,"experimental":true}]})"),
                        "test");
  EXPECT_EQ(names(b), (std::vector<std::string>{"test (6, false)", "test (7, false)",
                                                 "test (8, false)", "test (9, true)"}));
  auto perl = expandMatrix(json(R"({"os":["ubuntu-latest"],"perl":["5.16","5.20","5.26","5.30","latest"],
      "include":[{"os":"macos-latest","perl":"5.26"},{"os":"macos-latest","perl":"latest"}]})"),
                           "p");
  EXPECT_EQ(perl.legs.size(), 7u);
  auto ten = expandMatrix(json(R"({"os":["macos","windows","ubuntu"],"version":[12,14,16],
      "include":[{"os":"windows","version":17}]})"),
                          "x");
  EXPECT_EQ(ten.legs.size(), 10u);
  auto inc = expandMatrix(json(R"({"include":[{"environment":"production","site":"site-a"},
      {"environment":"staging","site":"site-b"}]})"),
                          "includes_only");
  EXPECT_EQ(names(inc), (std::vector<std::string>{"includes_only (production, site-a)",
                                                   "includes_only (staging, site-b)"}));
  auto obj = expandMatrix(json(R"({"os":["ubuntu-latest","macos-latest"],
      "node":[{"version":14},{"version":20,"env":"X"}]})"),
                          "build");
  EXPECT_EQ(obj.legs.size(), 4u);
  EXPECT_EQ(obj.legs[1].displayName, "build (ubuntu-latest, 20, X)");
  auto twice = expandMatrix(json(R"({"os":["a","b"],"include":[{"os":"a","node":1},{"os":"a","node":2}]})"), "j");
  ASSERT_EQ(twice.legs.size(), 2u);
  EXPECT_EQ(compact(twice.legs[0].matrix), R"({"os":"a","node":2})");
  EXPECT_EQ(compact(twice.legs[1].matrix), R"({"os":"b"})");
}

// Loose equality: '16' matches 16 and Ubuntu matches ubuntu (act gets this wrong).
TEST(MatrixExpand, LooseCaseInsensitiveMatching) {
  auto m = expandMatrix(json(R"({"os":["ubuntu"],"node":[16,18],
      "exclude":[{"os":"Ubuntu","node":"16"}]})"),
                        "j");
  ASSERT_EQ(m.legs.size(), 1u);
  EXPECT_EQ(m.legs[0].displayName, "j (ubuntu, 18)");
}

TEST(MatrixExpand, NumbersInNamesAndIds) {
  auto m = expandMatrix(json(R"({"python":[3.1, 3.10, "3.10"]})"), "test");
  EXPECT_EQ(names(m), (std::vector<std::string>{"test (3.1)", "test (3.1)", "test (3.10)"}));
  EXPECT_EQ(m.legs[0].configId, "_3_1");
  EXPECT_EQ(m.legs[1].configId, "_3_1_2");
}

TEST(MatrixExpand, Errors) {
  EXPECT_EQ(expandMatrix(json(R"({"os":[],"v":[1]})"), "j").error->message,
            "Matrix vector 'os' does not contain any values");
  EXPECT_TRUE(expandMatrix(json(R"({"include":[]})"), "j").error);
  EXPECT_TRUE(expandMatrix(json(R"({"os":[1],"exclude":[{"bogus":1}]})"), "j").error);
  std::string big = R"({"a":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17],"b":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]})";
  auto m = expandMatrix(json(big), "j");
  ASSERT_TRUE(m.error);
  EXPECT_NE(m.error->message.find("256"), std::string::npos);
  auto ok = expandMatrix(json(R"({"a":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16],"b":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]})"), "j");
  EXPECT_FALSE(ok.error);
  EXPECT_EQ(ok.legs.size(), 256u);
}

TEST(MatrixExpand, StrategyContext) {
  auto s = strategyContext(true, 2, 6, std::nullopt);
  EXPECT_EQ(compact(s), R"({"fail-fast":true,"job-index":2,"job-total":6,"max-parallel":6})");
}
