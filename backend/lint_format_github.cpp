// GitHub Actions workflow-command annotations: `::error file=..,line=..,col=..::message`.
#include "backend/lint_format_output.h"

namespace backend {

// Escaping of workflow commands (actions/toolkit, command.ts): data escapes
// %, CR and LF; property values also ':' and ','.
static std::string escapeData(llvm::StringRef s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '%':
      out += "%25";
      break;
    case '\r':
      out += "%0D";
      break;
    case '\n':
      out += "%0A";
      break;
    default:
      out += c;
    }
  }
  return out;
}

static std::string escapeProperty(llvm::StringRef s) {
  std::string out;
  for (char c : escapeData(s)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

std::string githubAnnotation(const ir::SourceManager &sm, const ir::Diagnostic &d) {
  const char *cmd = d.severity == ir::Severity::Error     ? "error"
                    : d.severity == ir::Severity::Warning ? "warning"
                                                          : "notice";
  std::string out = std::string("::") + cmd + " ";
  std::vector<std::string> props;
  if (d.range.file != 0)
    props.push_back("file=" + escapeProperty(sm.name(d.range.file)));
  const ir::SourceRange &r = d.range;
  if (r.valid()) {
    props.push_back("line=" + std::to_string(r.line));
    uint32_t endLine = r.endLine >= r.line ? r.endLine : r.line;
    // GitHub accepts columns only when the annotation stays on one line;
    // endColumn is the last column of the range (inclusive).
    if (endLine == r.line) {
      props.push_back("col=" + std::to_string(r.col));
      uint32_t endCol = r.endCol > r.col ? r.endCol - 1 : r.col;
      props.push_back("endLine=" + std::to_string(endLine));
      props.push_back("endColumn=" + std::to_string(endCol));
    } else {
      props.push_back("endLine=" + std::to_string(endLine));
    }
  }
  props.push_back("title=" + escapeProperty("ci-lint [" + d.kindName().str() + "]"));
  for (size_t i = 0; i < props.size(); ++i)
    out += (i ? "," : "") + props[i];
  out += "::" + escapeData(d.message);
  return out;
}

} // namespace backend
