// The evaluator and functions on GitHub's edge cases (gha-semantics §5.3-5.5).
#include "frontend/expr_parser.h"
#include "ir/expr_eval.h"
#include "ir/value_json.h"

#include <gtest/gtest.h>

namespace {

ir::Value contexts() {
  ir::Value v;
  ir::JSONParseError e;
  EXPECT_TRUE(ir::parseJSON(R"({
    "github": {"event_name": "push", "ref": "refs/heads/main",
               "event": {"pull_request": {"labels": [{"name": "bug"}, {"Name": "CI"}, {"x": 1}]}}},
    "matrix": {"node": [18, 20], "os": "Ubuntu"},
    "nested": {"a": {"list": [1, 2]}, "b": {"list": [3]}},
    "inputs": {"flag": true, "empty": ""}
  })",
                            v, e));
  return v;
}

/// Evaluates `src` and returns the result as compact JSON, or "error: message".
std::string eval(llvm::StringRef src, ir::ExprHost *host = nullptr) {
  static const ir::Value ctx = contexts();
  frontend::ExprParseOptions o;
  o.allowUnknownFunctions = true;
  frontend::ParsedExpr p = frontend::parseExpression(src, o);
  if (p.error)
    return "parse error: " + p.error->message;
  ir::EvalOptions eo;
  eo.host = host;
  ir::EvalResult r = ir::evaluate(*p.ast, ctx, eo);
  if (r.error)
    return "error: " + r.error->message;
  return ir::writeJSON(r.value, false, true);
}

} // namespace

// Loose equality: coercions between kinds, case-insensitive strings, NaN.
TEST(ExprEval, LooseEquality) {
  EXPECT_EQ(eval("null == 0"), "true");
  EXPECT_EQ(eval("null == ''"), "true");
  EXPECT_EQ(eval("null == false"), "true");
  EXPECT_EQ(eval("'abc' == 'ABC'"), "true");
  EXPECT_EQ(eval("' 1 ' == 1"), "true");
  EXPECT_EQ(eval("'0x10' == 16"), "true");
  EXPECT_EQ(eval("true == 'true'"), "false");
  EXPECT_EQ(eval("inputs.flag == 'true'"), "false");
  EXPECT_EQ(eval("NaN == NaN"), "false");
  EXPECT_EQ(eval("fromJSON('{}') == fromJSON('{}')"), "false");
  EXPECT_EQ(eval("matrix == matrix"), "true");
  EXPECT_EQ(eval("matrix != 'Object'"), "true");
  EXPECT_EQ(eval("'Ü' == 'ü'"), "true");
}

// Ordering: numbers, case-insensitive strings, booleans; NaN and collections false.
TEST(ExprEval, Ordering) {
  EXPECT_EQ(eval("'a' < 'B'"), "true");
  EXPECT_EQ(eval("true > false"), "true");
  EXPECT_EQ(eval("'10' > 9"), "true");
  EXPECT_EQ(eval("1 < NaN"), "false");
  EXPECT_EQ(eval("1 >= '1'"), "true");
  EXPECT_EQ(eval("matrix > 1"), "false");
}

// && and || return the deciding operand; ! returns a boolean.
TEST(ExprEval, LogicalOperatorsReturnOperands) {
  EXPECT_EQ(eval("'a' && 'b'"), "\"b\"");
  EXPECT_EQ(eval("'' && 'b'"), "\"\"");
  EXPECT_EQ(eval("inputs.empty || 'default'"), "\"default\"");
  EXPECT_EQ(eval("0 || null"), "null");
  EXPECT_EQ(eval("!'false'"), "false");
  EXPECT_EQ(eval("!fromJSON('[]')"), "false");
  EXPECT_EQ(eval("!-0"), "true");
}

// Property and index access: case-insensitive keys, coerced and floored indexes,
// null for anything missing.
TEST(ExprEval, Access) {
  EXPECT_EQ(eval("GITHUB.Event_Name"), "\"push\"");
  EXPECT_EQ(eval("github['ref']"), "\"refs/heads/main\"");
  EXPECT_EQ(eval("matrix.node[1.9]"), "20");
  EXPECT_EQ(eval("matrix.node['1']"), "20");
  EXPECT_EQ(eval("matrix.node[-1]"), "null");
  EXPECT_EQ(eval("matrix.node[2]"), "null");
  EXPECT_EQ(eval("github.nothing.deeper"), "null");
  EXPECT_EQ(eval("github.ref.length"), "null");
  EXPECT_EQ(eval("nosuch.context"), "null");
}

// `*` filters: projection skips missing keys; a further `*` flattens one level;
// a named index after `*` keeps arrays of arrays.
TEST(ExprEval, Filters) {
  EXPECT_EQ(eval("github.event.pull_request.labels.*.name"), "[\"bug\",\"CI\"]");
  EXPECT_EQ(eval("nested.*.list"), "[[1,2],[3]]");
  EXPECT_EQ(eval("nested.*.list.*"), "[1,2,3]");
  EXPECT_EQ(eval("matrix.os.*"), "[]");
  EXPECT_EQ(eval("contains(github.event.pull_request.labels.*.name, 'ci')"), "true");
  EXPECT_EQ(eval("join(matrix.node.*, '+')"), "\"18+20\"");
}

// Number formatting is GitHub's G15.
TEST(ExprEval, NumberToString) {
  EXPECT_EQ(eval("format('{0}', 3.14159265358979323)"), "\"3.14159265358979\"");
  EXPECT_EQ(eval("format('{0}', 1e21)"), "\"1E+21\"");
  EXPECT_EQ(eval("format('{0}', 1e-7)"), "\"1E-07\"");
  EXPECT_EQ(eval("format('{0}', 0.0001)"), "\"0.0001\"");
  EXPECT_EQ(eval("format('{0}', -0)"), "\"0\"");
  EXPECT_EQ(eval("format('{0}', 123456789012345)"), "\"123456789012345\"");
}

// Built-in functions and their errors.
TEST(ExprEval, Functions) {
  EXPECT_EQ(eval("format('{{{0}}} {1}', 'a', null)"), "\"{a} \"");
  EXPECT_EQ(eval("format('{0:x}', 1)"), "error: The following format string is invalid: {0:x}");
  EXPECT_EQ(eval("contains(null, '')"), "true");
  EXPECT_EQ(eval("contains(matrix.node, '18')"), "true");
  EXPECT_EQ(eval("startsWith(matrix, 'O')"), "false");
  EXPECT_EQ(eval("endsWith(123, 23)"), "true");
  EXPECT_EQ(eval("join(matrix)"), "\"\"");
  EXPECT_EQ(eval("join('abc')"), "\"abc\"");
  EXPECT_EQ(eval("toJSON(matrix)"), "\"{\\n  \\\"node\\\": [\\n    18,\\n    20\\n  ],\\n  \\\"os\\\": \\\"Ubuntu\\\"\\n}\"");
  EXPECT_EQ(eval("fromJSON('{\"A\": 1}').a"), "1");
  EXPECT_EQ(eval("fromJSON('[1,')"),
            "error: Error parsing JSON when evaluating fromJson: Unexpected end of JSON input "
            "at line 1, column 4 (position 4)");
  EXPECT_EQ(eval("fromJSON(' ')"), "error: empty input");
  EXPECT_EQ(eval("case(false, 1, true, 2, 3)"), "2");
  EXPECT_EQ(eval("case(1, 1, 3)"), "error: case predicate must evaluate to a boolean value");
}

// Host functions come from the caller; without one the call is an evaluation error.
TEST(ExprEval, HostFunctions) {
  ir::FunctionTableHost host;
  host.setConstant("success", ir::Value::boolean(false));
  host.set("failure", [](llvm::ArrayRef<ir::Value> args, ir::Value &out, std::string &) {
    out = ir::Value::boolean(args.size() == 1 && args[0].getString() == "build");
    return true;
  });
  EXPECT_EQ(eval("SUCCESS() || failure('build')", &host), "true");
  EXPECT_EQ(eval("always()", &host), "error: Function 'always' is not available here");
  EXPECT_EQ(eval("always()"), "error: Function 'always' is not available here");
}

// Intermediate results are bounded: a format blown up past 1 MiB fails cleanly.
TEST(ExprEval, MemoryBound) {
  std::string big = "format('" + std::string(200, 'x') + "{0}{0}{0}{0}{0}{0}{0}{0}', format('" +
                    std::string(300, 'y') +
                    "{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}', "
                    "format('{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}', "
                    "'" + std::string(400, 'z') + "')))";
  EXPECT_EQ(eval(big), "error: The maximum allowed memory size was exceeded");
  EXPECT_EQ(eval("join(fromJSON('[1,2,3]'), ', ')"), "\"1, 2, 3\"");
}

// Templates: a single expression keeps its type; mixed text yields a string.
TEST(ExprEval, Templates) {
  ir::Template t;
  t.raw = "x";
  t.parts.push_back({false, "x", 0, nullptr});
  ir::EvalResult r = ir::evaluateTemplate(t, contexts());
  EXPECT_EQ(ir::writeJSON(r.value, false), "\"x\"");
}

// JSON round trip keeps key order and spelling; look-up ignores case.
TEST(ExprEval, ValueObjectsKeepOrderAndCase) {
  ir::Value v;
  ir::JSONParseError e;
  std::string src = "{";
  for (int i = 0; i < 40; ++i)
    src += std::string(i ? "," : "") + "\"Key" + std::to_string(i) + "\":" + std::to_string(i);
  src += "}";
  ASSERT_TRUE(ir::parseJSON(src, v, e));
  EXPECT_EQ(ir::writeJSON(v, false), src);
  ASSERT_NE(v.find("KEY39"), nullptr);
  EXPECT_EQ(v.find("key39")->getNumber(), 39);
  EXPECT_EQ(v.find("key40"), nullptr);
  ir::Value copy = v;
  copy.mutableObject().set("KEY0", ir::Value::string("changed"));
  EXPECT_EQ(v.find("key0")->getNumber(), 0); // copy-on-write
  EXPECT_EQ(copy.find("Key0")->getString(), "changed");
  EXPECT_FALSE(ir::parseJSON("[[[[", v, e));
  EXPECT_EQ(e.column, 5u);
}

// fromJSON of a large document stays within the memory bound: it fails cleanly.
TEST(ExprEval, FromJSONIsBoundedInMemory) {
  std::string big = "[";
  for (int i = 0; i < 200000; ++i)
    big += std::string(i ? "," : "") + "\"item\"";
  big += "]";
  ir::ValueObject o;
  o.set("env", ir::Value::object());
  o.find("env")->mutableObject().set("BIG", ir::Value::string(big));
  ir::Value ctx = ir::Value::object(std::move(o));
  frontend::ParsedExpr p = frontend::parseExpression("fromJSON(env.BIG)[0]");
  ir::EvalResult r = ir::evaluate(*p.ast, ctx);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message, "The maximum allowed memory size was exceeded");
  ir::EvalOptions roomy;
  roomy.maxMemory = 64 << 20;
  r = ir::evaluate(*p.ast, ctx, roomy);
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.value.getString(), "item");
}
