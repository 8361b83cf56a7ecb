// passes/matrix_template: a run-time matrix value evaluated as GitHub's template reader does.
#include "passes/matrix_template.h"

#include "ir/value_json.h"

#include <gtest/gtest.h>

namespace {

ir::Value parse(const std::string &json) {
  ir::Value v;
  ir::JSONParseError err;
  EXPECT_TRUE(ir::parseJSON(json, v, err)) << err.message;
  return v;
}

ir::Value needsContexts() {
  return parse(R"({"needs":{"p":{"outputs":{"key":"steady","list":"[\"a\",\"b\"]"}}}})");
}

std::string eval(const std::string &tmpl, std::string *error = nullptr) {
  passes::MatrixTemplateResult r = passes::evaluateMatrixTemplate(parse(tmpl), needsContexts());
  if (error)
    *error = r.error;
  return r.value ? ir::writeJSON(*r.value, false) : "";
}

} // namespace

TEST(MatrixTemplate, ExpressionKeysAndValues) {
  EXPECT_EQ(eval(R"({"${{ needs.p.outputs.key }}":"${{ fromJSON(needs.p.outputs.list) }}"})"),
            R"({"steady":["a","b"]})");
  EXPECT_EQ(eval(R"({"os-${{ 1 }}":["x"]})"), R"({"os-1":["x"]})");
}

TEST(MatrixTemplate, ArraysFromExpressionsAreSpliced) {
  EXPECT_EQ(eval(R"({"a":[0,"${{ fromJSON(needs.p.outputs.list) }}",["n"]]})"), R"({"a":[0,"a","b",["n"]]})");
}

TEST(MatrixTemplate, InsertMergesMappings) {
  EXPECT_EQ(eval(R"({"a":[{"k1":1,"${{ insert }}":{"k2":2},"${{insert}}":"${{ fromJSON('{\"k3\":3}') }}"}]})"),
            R"({"a":[{"k1":1,"k2":2,"k3":3}]})");
}

TEST(MatrixTemplate, ErrorsAreGitHubs) {
  std::string error;
  EXPECT_EQ(eval(R"({"a":[{"k":1,"${{ insert }}":{"K":2}}]})", &error), "");
  EXPECT_EQ(error, "'K' is already defined");
  EXPECT_EQ(eval(R"({"a":[{"${{ insert }}":"${{ fromJSON('[1]') }}"}]})", &error), "");
  EXPECT_NE(error.find("insert"), std::string::npos) << error;
  EXPECT_EQ(eval(R"({"${{ fromJSON('[1]') }}":[1]})", &error), "");
  EXPECT_NE(error.find("a key must be a string"), std::string::npos) << error;
  EXPECT_EQ(eval(R"({"${{ '' }}":[1]})", &error), "");
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
}

TEST(MatrixTemplate, ClosedModeWaitsForUnknownContexts) {
  passes::KnownContexts known;
  passes::MatrixTemplateResult r =
      passes::evaluateMatrixTemplate(parse(R"({"${{ needs.p.outputs.key }}":[1]})"), known.values, &known);
  EXPECT_FALSE(r.value);
  EXPECT_EQ(r.error, "");
  r = passes::evaluateMatrixTemplate(parse(R"({"a":["${{ fromJSON('[1,2]') }}"]})"), known.values, &known);
  ASSERT_TRUE(r.value);
  EXPECT_EQ(ir::writeJSON(*r.value, false), R"({"a":[1,2]})");
  EXPECT_FALSE(passes::holdsTemplate(parse(R"({"a":[1,"x"]})")));
  EXPECT_TRUE(passes::holdsTemplate(parse(R"({"${{ x }}":[1]})")));
}
