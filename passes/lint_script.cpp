// run: scripts: shell resolution, expression masking, position mapping.
#include "passes/lint_script.h"

#include "ir/source_manager.h"

namespace passes {

using frontend::YamlNode;

static std::string shellProgram(const YamlNode *shell) {
  if (!shell || !shell->isString())
    return "";
  llvm::StringRef v = shell->value.trim();
  if (v.contains("${{"))
    return "";
  llvm::StringRef prog = v.split(' ').first;
  // A path such as /usr/bin/bash counts as its file name.
  prog = prog.rsplit('/').second.empty() ? prog : prog.rsplit('/').second;
  return prog.lower();
}

static bool runsOnWindows(const YamlNode *runsOn) {
  if (!runsOn)
    return false;
  auto isWin = [](const YamlNode *n) {
    return n->isString() && llvm::StringRef(n->value.lower()).startswith("windows");
  };
  if (runsOn->isScalar())
    return isWin(runsOn);
  if (runsOn->isSequence())
    for (const YamlNode *n : runsOn->items)
      if (isWin(n))
        return true;
  return false;
}

// What a step's `if:` says about the runner's OS: 'W' for runner.os ==
// 'Windows', 'U' for a test that excludes Windows, 0 when it says nothing.
static char osCondition(const YamlNode *cond) {
  if (!cond || !cond->isScalar())
    return 0;
  std::string c;
  for (char ch : cond->value.lower())
    if (ch != ' ' && ch != '"' && ch != '\'')
      c += ch;
  if (c.find("runner.os==windows") != std::string::npos)
    return 'W';
  if (c.find("runner.os!=windows") != std::string::npos ||
      c.find("runner.os==linux") != std::string::npos ||
      c.find("runner.os==macos") != std::string::npos)
    return 'U';
  return 0;
}

std::string resolveStepShell(const YamlWorkflowView &w, const YamlJobView &job,
                             const YamlStepView &step) {
  for (const YamlNode *s : {step.shell, job.defaultShell, w.defaultShell})
    if (s)
      return shellProgram(s);
  if (w.kind == LintFileKind::Action)
    return ""; // composite steps must name their shell
  switch (osCondition(step.node->get("if"))) {
  case 'W':
    return "pwsh"; // the step only runs on Windows
  case 'U':
    return "bash";
  default:
    break;
  }
  if (job.runsOn && job.runsOn->isScalar() && job.runsOn->value.contains("${{"))
    return ""; // the OS depends on an expression
  if (runsOnWindows(job.runsOn))
    return "pwsh";
  return "bash";
}

std::string maskExpressions(llvm::StringRef s) {
  std::string out = s.str();
  size_t pos = 0;
  while ((pos = out.find("${{", pos)) != std::string::npos) {
    size_t end = out.find("}}", pos + 3);
    if (end == std::string::npos)
      break;
    end += 2;
    std::string repl;
    for (size_t i = pos; i < end; ++i) {
      unsigned char c = out[i];
      if (c == '\n')
        repl += '\n';
      else if ((c & 0xC0) != 0x80)
        repl += '_';
    }
    out.replace(pos, end - pos, repl);
    pos += repl.size();
  }
  return out;
}

// Byte offset in `value` of 1-based (line, code-point column).
static size_t offsetInValue(llvm::StringRef value, uint32_t line, uint32_t col) {
  size_t off = 0;
  for (uint32_t l = 1; l < line; ++l) {
    size_t nl = value.find('\n', off);
    if (nl == llvm::StringRef::npos)
      return value.size();
    off = nl + 1;
  }
  llvm::StringRef rest = value.substr(off);
  rest = rest.substr(0, rest.find('\n'));
  return off + ir::byteOffsetOfColumn(rest, col == 0 ? 1 : col);
}

ir::SourceRange mapScriptRange(const LintContext &ctx, const YamlNode &run, uint32_t line,
                               uint32_t col, uint32_t endCol) {
  size_t b = offsetInValue(run.value, line, col);
  size_t e = endCol > col ? offsetInValue(run.value, line, endCol) : b + 1;
  if (b >= run.value.size())
    return ctx.valueRange(run, run.value.empty() ? 0 : run.value.size() - 1, run.value.empty() ? 0 : 1);
  e = std::min(e, run.value.size());
  return ctx.valueRange(run, b, std::max<size_t>(1, e - b));
}

ir::SourceRange runEntryRange(const frontend::YamlEntry &run) {
  return ir::SourceRange::span(run.key->range, run.value->range);
}

} // namespace passes
