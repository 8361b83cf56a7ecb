// Workflow commands, file commands and masking.
#include "runtime/step_commands.h"

#include <algorithm>

namespace runtime {

void Masker::add(llvm::StringRef value) {
  auto put = [&](llvm::StringRef v) {
    v = v.rtrim("\r");
    if (v.trim().empty())
      return;
    if (std::find(values_.begin(), values_.end(), v.str()) != values_.end())
      return;
    values_.push_back(v.str());
  };
  put(value);
  if (value.contains('\n')) {
    llvm::SmallVector<llvm::StringRef, 8> lines;
    value.split(lines, '\n');
    for (llvm::StringRef l : lines)
      put(l);
  }
  std::stable_sort(values_.begin(), values_.end(),
                   [](const std::string &a, const std::string &b) { return a.size() > b.size(); });
}

std::string Masker::apply(llvm::StringRef text) const {
  std::string out = text.str();
  for (const std::string &v : values_) {
    size_t pos = 0;
    while ((pos = out.find(v, pos)) != std::string::npos) {
      out.replace(pos, v.size(), "***");
      pos += 3;
    }
  }
  return out;
}

bool Masker::reveals(llvm::StringRef text) const {
  for (const std::string &v : values_)
    if (text.contains(v))
      return true;
  return false;
}

namespace {

std::string unescape(llvm::StringRef s, bool property) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      llvm::StringRef code = s.substr(i, 3);
      const char *rep = nullptr;
      if (code == "%25")
        rep = "%";
      else if (code == "%0D")
        rep = "\r";
      else if (code == "%0A")
        rep = "\n";
      else if (property && code == "%3A")
        rep = ":";
      else if (property && code == "%2C")
        rep = ",";
      if (rep) {
        out += rep;
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

} // namespace

std::optional<WorkflowCommand> parseWorkflowCommand(llvm::StringRef line) {
  llvm::StringRef l = line.ltrim(" \t").rtrim("\r\n");
  if (!l.startswith("::"))
    return std::nullopt;
  l = l.drop_front(2);
  size_t end = l.find("::");
  if (end == llvm::StringRef::npos)
    return std::nullopt;
  llvm::StringRef head = l.substr(0, end);
  WorkflowCommand c;
  c.message = unescape(l.substr(end + 2), false);
  size_t sp = head.find(' ');
  c.name = head.substr(0, sp).str();
  if (c.name.empty())
    return std::nullopt;
  if (sp != llvm::StringRef::npos) {
    llvm::SmallVector<llvm::StringRef, 8> props;
    head.substr(sp + 1).split(props, ',');
    for (llvm::StringRef p : props) {
      auto [k, v] = p.split('=');
      k = k.trim();
      if (!k.empty())
        c.props[k.str()] = unescape(v, true);
    }
  }
  return c;
}

std::vector<std::pair<std::string, std::string>> parseFileCommands(llvm::StringRef text, std::string &error) {
  std::vector<std::pair<std::string, std::string>> out;
  llvm::SmallVector<llvm::StringRef, 64> lines;
  text.split(lines, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    llvm::StringRef line = lines[i].rtrim("\r");
    if (line.empty())
      continue;
    size_t eq = line.find('=');
    size_t hd = line.find("<<");
    if (hd != llvm::StringRef::npos && (eq == llvm::StringRef::npos || hd < eq)) {
      std::string name = line.substr(0, hd).str();
      llvm::StringRef delim = line.substr(hd + 2);
      if (name.empty() || delim.empty()) {
        error = "invalid line '" + line.str() + "'";
        return out;
      }
      std::string value;
      bool closed = false, first = true;
      for (++i; i < lines.size(); ++i) {
        llvm::StringRef v = lines[i].rtrim("\r");
        if (v == delim) {
          closed = true;
          break;
        }
        if (!first)
          value += "\n";
        first = false;
        value += v.str();
      }
      if (!closed) {
        error = "matching delimiter not found '" + delim.str() + "'";
        return out;
      }
      out.push_back({name, value});
      continue;
    }
    if (eq == llvm::StringRef::npos || eq == 0) {
      error = "invalid line '" + line.str() + "' (expected NAME=VALUE or NAME<<DELIMITER)";
      return out;
    }
    out.push_back({line.substr(0, eq).str(), line.substr(eq + 1).str()});
  }
  return out;
}

} // namespace runtime

namespace runtime {

std::vector<std::pair<std::string, std::string>> parseDotenv(llvm::StringRef text, std::string &error) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0, line = 1;
  auto fail = [&](const std::string &m) {
    error = "line " + std::to_string(line) + ": " + m;
    return out;
  };
  while (i < text.size()) {
    size_t eol = text.find('\n', i);
    llvm::StringRef l = text.substr(i, eol == llvm::StringRef::npos ? llvm::StringRef::npos : eol - i).trim();
    if (l.empty() || l.startswith("#")) {
      i = eol == llvm::StringRef::npos ? text.size() : eol + 1;
      ++line;
      continue;
    }
    if (l.startswith("export "))
      l = l.drop_front(7).ltrim();
    size_t eq = l.find('=');
    if (eq == llvm::StringRef::npos || eq == 0)
      return fail("expected NAME=VALUE");
    std::string name = l.substr(0, eq).trim().str();
    for (char c : name)
      if (!(llvm::isAlnum(c) || c == '_'))
        return fail("'" + name + "' is not a valid name (letters, digits and _)");
    size_t valueStart = i + (l.data() - (text.data() + i)) + eq + 1;
    while (valueStart < text.size() && (text[valueStart] == ' ' || text[valueStart] == '\t'))
      ++valueStart;
    std::string value;
    if (valueStart < text.size() && (text[valueStart] == '"' || text[valueStart] == '\'')) {
      char q = text[valueStart];
      size_t j = valueStart + 1;
      bool closed = false;
      for (; j < text.size(); ++j) {
        char c = text[j];
        if (c == '\n')
          ++line;
        if (c == q) {
          closed = true;
          break;
        }
        if (q == '"' && c == '\\' && j + 1 < text.size()) {
          char n = text[++j];
          value += n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n;
          continue;
        }
        value += c;
      }
      if (!closed)
        return fail(std::string("unterminated ") + q + " quote");
      size_t next = text.find('\n', j);
      i = next == llvm::StringRef::npos ? text.size() : next + 1;
    } else {
      llvm::StringRef v = l.substr(eq + 1).trim();
      size_t hash = v.find(" #");
      if (hash != llvm::StringRef::npos)
        v = v.substr(0, hash).rtrim();
      value = v.str();
      i = eol == llvm::StringRef::npos ? text.size() : eol + 1;
    }
    ++line;
    out.push_back({name, value});
  }
  return out;
}

} // namespace runtime
