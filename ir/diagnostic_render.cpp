// Human and JSON renderers for diagnostics.
#include "ir/diagnostic_render.h"

#include "llvm/Support/WithColor.h"

#include <algorithm>

namespace ir {

static llvm::raw_ostream::Colors severityColor(Severity s) {
  switch (s) {
  case Severity::Error:
    return llvm::raw_ostream::RED;
  case Severity::Warning:
    return llvm::raw_ostream::MAGENTA;
  case Severity::Note:
    return llvm::raw_ostream::CYAN;
  }
  return llvm::raw_ostream::RED;
}

// Prints the source line of `r` and a caret under its first column, extended
// with '~' to the end of the range when it stays on the same line.
static void renderSnippet(llvm::raw_ostream &os, const SourceManager &sm, const SourceRange &r,
                          bool color) {
  llvm::StringRef line = sm.lineText(r.file, r.line);
  std::string lineNo = std::to_string(r.line);
  std::string gutter(lineNo.size(), ' ');
  os << ' ' << lineNo << " | " << line << '\n';
  os << ' ' << gutter << " | ";
  // Reproduce tabs so the caret lines up with the text above.
  size_t startByte = byteOffsetOfColumn(line, r.col);
  for (size_t i = 0; i < startByte && i < line.size(); ++i) {
    unsigned char c = line[i];
    if ((c & 0xC0) == 0x80)
      continue;
    os << (c == '\t' ? '\t' : ' ');
  }
  uint32_t width = 1;
  if (r.endLine == r.line && r.endCol > r.col)
    width = r.endCol - r.col;
  else if (r.endLine > r.line)
    width = std::max<uint32_t>(1, columnOfByteOffset(line, line.size()) - r.col);
  if (color)
    os.changeColor(llvm::raw_ostream::GREEN, true);
  os << '^';
  for (uint32_t i = 1; i < width; ++i)
    os << '~';
  if (color)
    os.resetColor();
  os << '\n';
}

static void renderHeader(llvm::raw_ostream &os, const SourceManager &sm, const SourceRange &r,
                         Severity sev, llvm::StringRef message, llvm::StringRef kind, bool color) {
  if (color)
    os.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  if (r.file != 0)
    os << sm.name(r.file);
  else
    os << "<input>";
  if (r.valid())
    os << ':' << r.line << ':' << r.col;
  os << ": ";
  if (color)
    os.changeColor(severityColor(sev), true);
  os << severityName(sev) << ": ";
  if (color)
    os.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  os << message;
  if (!kind.empty())
    os << " [" << kind << ']';
  if (color)
    os.resetColor();
  os << '\n';
}

void renderHuman(llvm::raw_ostream &os, const SourceManager &sm, const Diagnostic &d,
                 const RenderOptions &opts) {
  renderHeader(os, sm, d.range, d.severity, d.message, opts.showKind ? d.kindName() : "",
               opts.color);
  if (opts.showSource && d.range.valid() && d.range.file != 0)
    renderSnippet(os, sm, d.range, opts.color);
  for (const auto &n : d.notes) {
    renderHeader(os, sm, n.range.valid() ? n.range : d.range, Severity::Note, n.message, "",
                 opts.color);
    if (opts.showSource && n.range.valid() && n.range.file != 0)
      renderSnippet(os, sm, n.range, opts.color);
  }
}

void renderHuman(llvm::raw_ostream &os, const SourceManager &sm,
                 const std::vector<Diagnostic> &diags, const RenderOptions &opts) {
  for (const auto &d : diags)
    renderHuman(os, sm, d, opts);
}

static nlohmann::json rangeToJson(const SourceRange &r) {
  return {{"start", {{"line", r.line}, {"column", r.col}}},
          {"end", {{"line", r.endLine}, {"column", r.endCol}}}};
}

nlohmann::json diagnosticToJson(const SourceManager &sm, const Diagnostic &d) {
  nlohmann::json j;
  j["file"] = d.range.file != 0 ? sm.name(d.range.file).str() : std::string();
  j["range"] = rangeToJson(d.range);
  j["severity"] = severityName(d.severity).str();
  j["kind"] = d.kindName().str();
  j["message"] = d.message;
  nlohmann::json notes = nlohmann::json::array();
  for (const auto &n : d.notes) {
    nlohmann::json nj;
    nj["file"] = n.range.file != 0 ? sm.name(n.range.file).str() : std::string();
    nj["range"] = rangeToJson(n.range);
    nj["message"] = n.message;
    notes.push_back(std::move(nj));
  }
  j["notes"] = std::move(notes);
  return j;
}

nlohmann::json diagnosticsToJson(const SourceManager &sm, const std::vector<Diagnostic> &diags) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto &d : diags)
    arr.push_back(diagnosticToJson(sm, d));
  return arr;
}

} // namespace ir
