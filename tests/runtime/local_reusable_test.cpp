// Local reusable workflows run as their inlined jobs with the call's inputs and secrets.
#include "local_test_util.h"

#include <gtest/gtest.h>

using namespace localtest;

namespace {

TEST(LocalReusable, InputsSecretsAndOutputsCrossTheCall) {
  Repo r;
  r.write(".github/workflows/ci.yml", R"Y(on: push
jobs:
  prep:
    runs-on: ubuntu-latest
    outputs:
      v: ${{ steps.s.outputs.v }}
    steps:
      - id: s
        run: echo "v=hello" >> "$GITHUB_OUTPUT"
  call:
    needs: prep
    uses: ./.github/workflows/lib.yml
    with:
      greeting: ${{ needs.prep.outputs.v }}
    secrets:
      token: ${{ secrets.TOKEN }}
  inherit:
    uses: ./.github/workflows/nested.yml
    with:
      level: outer
    secrets: inherit
  after:
    needs: call
    runs-on: ubuntu-latest
    steps:
      - run: echo "result=${{ needs.call.outputs.out }}"
)Y");
  r.write(".github/workflows/lib.yml", R"Y(on:
  workflow_call:
    inputs:
      greeting:
        type: string
        required: true
      count:
        type: number
        default: 2
    secrets:
      token:
        required: false
    outputs:
      out:
        value: ${{ jobs.inner.outputs.o }}
jobs:
  inner:
    if: inputs.count == 2
    runs-on: ubuntu-latest
    outputs:
      o: ${{ steps.x.outputs.o }}
    steps:
      - id: x
        run: |
          echo "greeting=${{ inputs.greeting }} count=${{ inputs.count }}"
          echo "token=[${{ secrets.token }}] other=[${{ secrets.OTHER }}]"
          test "${{ secrets.token }}" = s3cret
          echo "o=${{ inputs.greeting }}-${{ inputs.count }}" >> "$GITHUB_OUTPUT"
)Y");
  r.write(".github/workflows/nested.yml", R"Y(on:
  workflow_call:
    inputs:
      level:
        type: string
        required: true
jobs:
  deeper:
    uses: ./.github/workflows/lib.yml
    with:
      greeting: ${{ inputs.level }}-inner
      count: 3
    secrets:
      token: ${{ secrets.TOKEN }}
  own:
    runs-on: ubuntu-latest
    steps:
      - run: echo "level=${{ inputs.level }} other=[${{ secrets.OTHER }}]"
)Y");
  r.commit();
  int code = -1;
  nlohmann::json doc = r.run(".github/workflows/ci.yml", "--secret TOKEN=s3cret --secret OTHER=zzz", &code);
  ASSERT_EQ(code, 0) << doc.dump(2);
  // The callee sees the call's `with:` (evaluated over the caller's needs) and its defaults.
  std::string inner = r.log(1, "call_inner", 1);
  EXPECT_NE(inner.find("greeting=hello count=2"), std::string::npos) << inner;
  // Only the mapped secret reaches the callee; every secret stays masked.
  EXPECT_NE(inner.find("token=[***] other=[]"), std::string::npos) << inner;
  EXPECT_EQ(inner.find("s3cret"), std::string::npos) << inner;
  // The call's outputs come from the callee's jobs.
  std::string after = r.log(1, "after", 1);
  EXPECT_NE(after.find("result=hello-2"), std::string::npos) << after;
  // `secrets: inherit` passes every secret; nested calls get their own inputs, and the
  // member's `if:` reads them (count 3: the inner job is skipped).
  std::string own = r.log(1, "inherit_own", 1);
  EXPECT_NE(own.find("level=outer other=[***]"), std::string::npos) << own;
  EXPECT_EQ(jobConclusion(doc, "inherit / deeper / inner"), "skipped") << doc.dump(2);
}

TEST(LocalReusable, CallerMatrixLegsAndAWithThatFailsToEvaluate) {
  Repo r;
  r.write(".github/workflows/ci.yml", R"Y(on: push
jobs:
  prep:
    runs-on: ubuntu-latest
    outputs:
      v: ${{ steps.s.outputs.v }}
    steps:
      - id: s
        run: echo "v=not-json" >> "$GITHUB_OUTPUT"
  legs:
    needs: prep
    strategy:
      matrix:
        g: [a, b]
    uses: ./.github/workflows/lib.yml
    with:
      greeting: ${{ matrix.g }}-${{ needs.prep.outputs.v }}
  broken:
    needs: prep
    uses: ./.github/workflows/lib.yml
    with:
      greeting: ${{ fromJSON(needs.prep.outputs.v) }}
)Y");
  r.write(".github/workflows/lib.yml", R"Y(on:
  workflow_call:
    inputs:
      greeting:
        type: string
        required: true
jobs:
  inner:
    runs-on: ubuntu-latest
    steps:
      - run: echo "greeting=${{ inputs.greeting }}"
)Y");
  r.commit();
  int code = -1;
  nlohmann::json doc = r.run(".github/workflows/ci.yml", "", &code);
  // Each leg of the caller's matrix evaluates `with:` with its own matrix values.
  EXPECT_NE(r.log(1, "legs.a_inner", 1).find("greeting=a-not-json"), std::string::npos) << doc.dump(2);
  EXPECT_NE(r.log(1, "legs.b_inner", 1).find("greeting=b-not-json"), std::string::npos) << doc.dump(2);
  // A call whose `with:` cannot be evaluated fails on its own, names the input, skips
  // its jobs and fails the run.
  EXPECT_EQ(code, 1);
  EXPECT_EQ(doc["conclusion"], "failure");
  EXPECT_EQ(jobConclusion(doc, "broken"), "failure") << doc.dump(2);
  EXPECT_EQ(jobConclusion(doc, "broken / inner"), "skipped") << doc.dump(2);
  std::string error;
  for (const auto &j : doc["jobs"])
    if (j.value("name", "") == "broken")
      error = j.value("error", "");
  EXPECT_NE(error.find("with.greeting"), std::string::npos) << doc.dump(2);
}

} // namespace
