// Action metadata (action.yml) lowering.
#include "lower_test_util.h"

#include <gtest/gtest.h>

namespace {
std::pair<ir::Action, std::string> action(const std::string &text) {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::FileId f = sm.addFile("action.yml", text);
  ir::Action a = frontend::compileAction(sm, f, diags);
  diags.finalize();
  std::string s;
  for (const auto &d : diags.diagnostics())
    s += std::to_string(d.range.line) + ":" + std::to_string(d.range.col) + ": " + d.message + "\n";
  return {std::move(a), s};
}
} // namespace

// A composite action: inputs, outputs and steps lowered like workflow steps.
TEST(ActionMetadata, Composite) {
  auto [a, diags] = action(R"(name: Greet
description: Says hello
inputs:
  who:
    description: whom
    required: true
    default: world
outputs:
  said:
    description: text
    value: ${{ steps.say.outputs.text }}
runs:
  using: composite
  steps:
    - id: say
      run: echo "hello ${{ inputs.who }}"
      shell: bash
)");
  EXPECT_EQ(diags, "");
  EXPECT_EQ(a.name->value, "Greet");
  ASSERT_EQ(a.inputs.size(), 1u);
  EXPECT_TRUE(*a.inputs[0].required);
  EXPECT_EQ(a.inputs[0].defaultValue->raw, "world");
  EXPECT_EQ(a.outputs[0].value->toExpressionSource(), "steps.say.outputs.text");
  EXPECT_EQ(a.runs.kind, ir::ActionRunsKind::Composite);
  ASSERT_EQ(a.runs.steps.size(), 1u);
  EXPECT_EQ(a.runs.steps[0].shell->value, "bash");
}

// Node and Docker actions, and a bad `using`.
TEST(ActionMetadata, NodeDockerAndErrors) {
  auto [n, nd] = action("name: n\nruns:\n  using: node20\n  main: dist/index.js\n  post: dist/post.js\n  post-if: always()\n");
  EXPECT_EQ(nd, "");
  EXPECT_EQ(n.runs.kind, ir::ActionRunsKind::Node);
  EXPECT_EQ(n.runs.post->value, "dist/post.js");
  auto [d, dd] = action("name: d\nruns:\n  using: docker\n  image: Dockerfile\n  args: ['${{ inputs.x }}']\n");
  EXPECT_EQ(dd, "");
  EXPECT_EQ(d.runs.kind, ir::ActionRunsKind::Docker);
  EXPECT_EQ(d.runs.args.size(), 1u);
  auto [b, bd] = action("name: b\nrunz: {}\nruns:\n  using: nodejs\n");
  EXPECT_NE(bd.find("2:1: Unexpected value 'runz'"), std::string::npos) << bd;
  EXPECT_NE(bd.find("4:10: Unexpected value 'nodejs'"), std::string::npos) << bd;
}
