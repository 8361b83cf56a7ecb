// Reading .github/ci-lint.yaml with the project's YAML reader.
#include "passes/lint_config.h"

#include "frontend/yaml_reader.h"
#include "passes/lint_path_glob.h"
#include "passes/lint_registry.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>

namespace passes {

using frontend::YamlNode;

std::optional<std::regex> compileUserRegex(llvm::StringRef pattern, std::string &error) {
  try {
    return std::regex(pattern.str(), std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error &e) {
    error = e.what();
    return std::nullopt;
  }
}

bool LintConfig::ignores(llvm::StringRef relPath, llvm::StringRef message) const {
  for (const PathIgnore &p : paths) {
    if (!matchPathGlob(p.glob, relPath))
      continue;
    for (const std::regex &re : p.regexes)
      if (std::regex_search(message.begin(), message.end(), re))
        return true;
  }
  return false;
}

bool LintConfig::hasRunnerLabel(llvm::StringRef label) const {
  std::string l = label.lower();
  for (const std::string &pat : runnerLabels)
    if (matchPathGlob(llvm::StringRef(pat).lower(), l))
      return true;
  return false;
}

namespace {

class ConfigReader {
public:
  ConfigReader(ir::DiagnosticEngine &diags) : diags_(diags) {}

  void error(const YamlNode &n, const std::string &msg) {
    diags_.report(ir::DiagKind::LintConfig, n.range, msg);
  }

  // A sequence of strings, or null (returns false and leaves `out` empty).
  bool strings(const YamlNode &n, llvm::StringRef what, std::vector<std::string> &out,
               std::vector<const YamlNode *> *nodes = nullptr) {
    if (n.isNull())
      return false;
    if (!n.isSequence()) {
      error(n, "\"" + what.str() + "\" must be a sequence of strings, but it is " +
                   n.describe().str());
      return false;
    }
    for (const YamlNode *item : n.items) {
      if (!item->isScalar() || item->isNull()) {
        error(*item, "each item of \"" + what.str() + "\" must be a string, but this is " +
                         item->describe().str());
        continue;
      }
      out.push_back(item->value.str());
      if (nodes)
        nodes->push_back(item);
    }
    return true;
  }

  void read(const YamlNode *root, LintConfig &cfg) {
    if (!root || root->isNull())
      return;
    if (!root->isMapping()) {
      error(*root, "the config file must be a mapping, but it is " + root->describe().str());
      return;
    }
    for (const auto &e : root->entries) {
      llvm::StringRef key = e.key->value;
      const YamlNode &v = *e.value;
      if (key == "self-hosted-runner") {
        if (v.isNull())
          continue;
        if (!v.isMapping()) {
          error(v, "\"self-hosted-runner\" must be a mapping with a \"labels\" list, but it is " +
                       v.describe().str());
          continue;
        }
        for (const auto &se : v.entries) {
          if (se.key->value == "labels")
            strings(*se.value, "self-hosted-runner.labels", cfg.runnerLabels);
          else
            error(*se.key, "unknown key \"" + se.key->value.str() +
                               "\" in \"self-hosted-runner\"; expected \"labels\"");
        }
      } else if (key == "config-variables") {
        std::vector<std::string> names;
        if (strings(v, "config-variables", names))
          cfg.configVariables = std::move(names);
      } else if (key == "paths") {
        readPaths(v, cfg);
      } else if (key == "enable" || key == "disable") {
        std::vector<std::string> kinds;
        std::vector<const YamlNode *> nodes;
        strings(v, key, kinds, &nodes);
        std::vector<std::string> known = lintKindNames();
        for (size_t i = 0; i < kinds.size(); ++i) {
          if (kinds[i] == "all" || std::binary_search(known.begin(), known.end(), kinds[i])) {
            (key == "enable" ? cfg.enable : cfg.disable).push_back(kinds[i]);
            continue;
          }
          std::string msg = "unknown kind \"" + kinds[i] + "\" in \"" + key.str() + "\"";
          std::string sug = suggestKind(kinds[i]);
          if (!sug.empty())
            msg += "; did you mean \"" + sug + "\"?";
          error(*nodes[i], msg);
        }
      } else {
        error(*e.key, "unknown key \"" + key.str() +
                          "\"; expected one of \"config-variables\", \"disable\", \"enable\", "
                          "\"paths\", \"self-hosted-runner\"");
      }
    }
  }

  void readPaths(const YamlNode &v, LintConfig &cfg) {
    if (v.isNull())
      return;
    if (!v.isMapping()) {
      error(v, "\"paths\" must be a mapping from path globs to settings, but it is " +
                   v.describe().str());
      return;
    }
    for (const auto &pe : v.entries) {
      LintConfig::PathIgnore p;
      p.glob = pe.key->value.str();
      const YamlNode &settings = *pe.value;
      if (!settings.isMapping()) {
        if (!settings.isNull())
          error(settings, "settings of path \"" + p.glob + "\" must be a mapping, but it is " +
                              settings.describe().str());
        continue;
      }
      for (const auto &se : settings.entries) {
        if (se.key->value != "ignore") {
          error(*se.key, "unknown key \"" + se.key->value.str() + "\" in settings of path \"" +
                             p.glob + "\"; expected \"ignore\"");
          continue;
        }
        std::vector<std::string> pats;
        std::vector<const YamlNode *> patNodes;
        strings(*se.value, "ignore", pats, &patNodes);
        for (size_t i = 0; i < pats.size(); ++i) {
          std::string err;
          auto re = compileUserRegex(pats[i], err);
          if (!re) {
            error(*patNodes[i], "invalid regular expression \"" + pats[i] + "\": " + err);
            continue;
          }
          p.source.push_back(pats[i]);
          p.regexes.push_back(std::move(*re));
        }
      }
      cfg.paths.push_back(std::move(p));
    }
  }

private:
  ir::DiagnosticEngine &diags_;
};

} // namespace

LintConfig parseLintConfig(const ir::SourceManager &sm, ir::FileId file,
                           ir::DiagnosticEngine &diags) {
  LintConfig cfg;
  cfg.path = sm.name(file).str();
  auto doc = frontend::readYaml(sm, file, diags);
  ConfigReader(diags).read(doc->root, cfg);
  return cfg;
}

std::optional<std::string> findLintConfig(llvm::StringRef root) {
  for (const char *name : {"ci-lint.yaml", "ci-lint.yml"}) {
    llvm::SmallString<256> p(root);
    llvm::sys::path::append(p, ".github", name);
    if (llvm::sys::fs::is_regular_file(p))
      return std::string(p.str());
  }
  return std::nullopt;
}

} // namespace passes
