// Synthetic workflows for the compile-pipeline benchmark: wide fan-outs, deep
// chains, random DAGs, 256-leg matrices and many reusable calls, deterministic
// for a given shape, size and seed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace bench {

enum class Shape { Fanout, Chain, RandomDag, Matrix, Calls };

inline const char *shapeName(Shape s) {
  switch (s) {
  case Shape::Fanout:
    return "fanout";
  case Shape::Chain:
    return "chain";
  case Shape::RandomDag:
    return "dag";
  case Shape::Matrix:
    return "matrix";
  case Shape::Calls:
    return "calls";
  }
  return "?";
}

inline bool parseShape(const std::string &s, Shape &out) {
  for (Shape k : {Shape::Fanout, Shape::Chain, Shape::RandomDag, Shape::Matrix, Shape::Calls})
    if (s == shapeName(k)) {
      out = k;
      return true;
    }
  return false;
}

struct SyntheticWorkflow {
  std::string yaml;
  /// Reusable workflows it calls: (the text after `uses:`, content).
  std::vector<std::pair<std::string, std::string>> callees;
};

/// The body every job gets: a checkout, a script reading an expression, an
/// output, an env entry (so lowering and type checking have real work).
inline void appendSteps(std::string &y, size_t i) {
  y += "    runs-on: ubuntu-latest\n";
  y += "    env:\n      JOB_INDEX: '" + std::to_string(i) + "'\n";
  y += "    outputs:\n      digest: ${{ steps.build.outputs.digest }}\n";
  y += "    steps:\n";
  y += "      - uses: actions/checkout@v4\n";
  y += "      - id: build\n";
  y += "        run: echo \"digest=${{ github.sha }}-" + std::to_string(i) +
       "\" >> \"$GITHUB_OUTPUT\"\n";
}

/// A workflow of about `jobs` jobs of the given shape (Matrix: `jobs` legs in
/// jobs of 256 legs; Calls: `jobs` plan jobs in calls of 4 members + the call).
inline SyntheticWorkflow generateWorkflow(Shape shape, size_t jobs, uint64_t seed = 1) {
  SyntheticWorkflow w;
  std::string &y = w.yaml;
  y.reserve(jobs * 260);
  y += "name: synthetic-" + std::string(shapeName(shape)) + "\n";
  y += "on: [push, pull_request]\n";
  y += "concurrency: ci-${{ github.ref }}\n";
  y += "jobs:\n";
  std::mt19937_64 rng(seed);
  switch (shape) {
  case Shape::Fanout:
    for (size_t i = 0; i < jobs; ++i) {
      y += "  j" + std::to_string(i) + ":\n";
      if (i)
        y += "    needs: j0\n";
      appendSteps(y, i);
    }
    break;
  case Shape::Chain:
    for (size_t i = 0; i < jobs; ++i) {
      y += "  j" + std::to_string(i) + ":\n";
      if (i)
        y += "    needs: j" + std::to_string(i - 1) + "\n";
      appendSteps(y, i);
    }
    break;
  case Shape::RandomDag:
    // Each job needs up to 3 earlier jobs, mostly recent ones (as real
    // pipelines do), sometimes any earlier one; some have conditions.
    for (size_t i = 0; i < jobs; ++i) {
      y += "  j" + std::to_string(i) + ":\n";
      if (i) {
        size_t k = 1 + rng() % 3;
        std::vector<size_t> picked;
        for (size_t n = 0; n < k; ++n) {
          size_t back = rng() % 4 == 0 ? rng() % i : rng() % std::min<size_t>(i, 50);
          size_t d = i - 1 - back;
          if (std::find(picked.begin(), picked.end(), d) == picked.end())
            picked.push_back(d);
        }
        y += "    needs: [";
        for (size_t n = 0; n < picked.size(); ++n)
          y += (n ? ", j" : "j") + std::to_string(picked[n]);
        y += "]\n";
        if (rng() % 5 == 0)
          y += "    if: github.event_name == 'push' && needs.j" + std::to_string(picked[0]) +
               ".outputs.digest != ''\n";
      }
      appendSteps(y, i);
    }
    break;
  case Shape::Matrix: {
    size_t n = std::max<size_t>(1, jobs / 256);
    for (size_t i = 0; i < n; ++i) {
      y += "  m" + std::to_string(i) + ":\n";
      if (i)
        y += "    needs: m0\n";
      y += "    strategy:\n      matrix:\n";
      y += "        os: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p]\n";
      y += "        version: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\n";
      appendSteps(y, i);
    }
    break;
  }
  case Shape::Calls: {
    size_t n = std::max<size_t>(1, jobs / 5);
    for (size_t i = 0; i < n; ++i) {
      y += "  c" + std::to_string(i) + ":\n";
      if (i)
        y += "    needs: c" + std::to_string(i - 1) + "\n";
      y += "    uses: ./.github/workflows/lib.yml\n";
      y += "    with:\n      index: " + std::to_string(i) + "\n";
      y += "    secrets: inherit\n";
    }
    std::string lib = "on:\n  workflow_call:\n    inputs:\n      index: {type: number, required: true}\n"
                      "      dry: {type: boolean, default: false}\n"
                      "    outputs:\n      digest: {value: '${{ jobs.ship.outputs.digest }}'}\n"
                      "jobs:\n";
    for (const char *id : {"build", "test", "package", "ship"}) {
      lib += std::string("  ") + id + ":\n";
      if (std::string(id) != "build")
        lib += "    needs: build\n";
      if (std::string(id) == "ship")
        lib += "    if: ${{ !inputs.dry }}\n";
      appendSteps(lib, 0);
    }
    w.callees.emplace_back("./.github/workflows/lib.yml", lib);
    break;
  }
  }
  return w;
}

} // namespace bench
