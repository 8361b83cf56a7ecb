// Validation of filter glob patterns (branches, tags, paths).
#include "passes/lint_glob.h"

#include "llvm/Support/ConvertUTF.h"

namespace passes {

namespace {

constexpr const char *kRefRule = "ref name cannot contain spaces, ~, ^, :, [, ?, *";

// Go's %q of a rune: 'x', with a few escapes.
std::string quoteChar(uint32_t c) {
  switch (c) {
  case '\t':
    return "'\\t'";
  case '\n':
    return "'\\n'";
  case '\r':
    return "'\\r'";
  case '\'':
    return "'\\''";
  case '\\':
    return "'\\\\'";
  }
  std::string s = "'";
  char buf[4];
  char *p = buf;
  llvm::ConvertCodePointToUTF8(c, p);
  s.append(buf, p);
  return s + "'";
}

class GlobValidator {
public:
  GlobValidator(llvm::StringRef pat, bool isRef) : pat_(pat), isRef_(isRef) {}

  std::vector<GlobError> run() {
    if (pat_.empty()) {
      errs_.push_back({"glob pattern cannot be empty", 0});
      return errs_;
    }
    if (peek() == '/' && isRef_) {
      next();
      invalidRefChar('/', pos_ - 1, "ref name must not start with /");
    } else if (peek() == '!') {
      next();
      if (atEnd()) {
        unexpected(kEOF, pos_, "! at first character (negate pattern)",
                   "at least one character must follow !");
        return errs_;
      }
    }
    while (step()) {
    }
    if (isRef_ && errs_.empty()) {
      if (pat_.endswith("/"))
        invalidRefChar('/', pat_.size() - 1, "ref name must not end with /");
      else if (pat_.endswith("."))
        invalidRefChar('.', pat_.size() - 1, "ref name must not end with .");
    }
    return errs_;
  }

private:
  static constexpr uint32_t kEOF = 0xFFFFFFFF;

  bool atEnd() const { return pos_ >= pat_.size(); }
  uint32_t peek() const { return atEnd() ? kEOF : static_cast<unsigned char>(pat_[pos_]); }
  // Next code point (multi-byte sequences are consumed whole).
  uint32_t next() {
    if (atEnd())
      return kEOF;
    unsigned char c = pat_[pos_++];
    if (c < 0x80)
      return c;
    uint32_t cp = c & (c >= 0xF0 ? 0x07 : c >= 0xE0 ? 0x0F : 0x1F);
    while (!atEnd() && (static_cast<unsigned char>(pat_[pos_]) & 0xC0) == 0x80)
      cp = (cp << 6) | (static_cast<unsigned char>(pat_[pos_++]) & 0x3F);
    return cp;
  }

  void unexpected(uint32_t c, size_t at, const std::string &what, const std::string &why) {
    std::string u = c == kEOF ? "unexpected EOF" : "unexpected character " + quoteChar(c);
    std::string msg = "invalid glob pattern. " + u + " while checking " + what;
    if (!why.empty())
      msg += ". " + why;
    errs_.push_back({msg, at});
  }
  void invalidRefChar(uint32_t c, size_t at, const std::string &why) {
    errs_.push_back({"character " + quoteChar(c) + " is invalid for branch and tag names. " +
                         why +
                         ". see `man git-check-ref-format` for more details. note that regular "
                         "expression is unavailable",
                     at});
  }

  bool step() {
    size_t at = pos_;
    uint32_t c = next();
    bool prec = true;
    switch (c) {
    case kEOF:
      return false;
    case '\\': {
      uint32_t e = peek();
      if (e == kEOF) {
        unexpected(kEOF, pos_, "escaped character", "\\ must be followed by a character");
        return false;
      }
      next();
      if (isRef_ && (e == '[' || e == '?' || e == '*'))
        invalidRefChar(e, at + 1, kRefRule);
      break;
    }
    case '?':
      if (!prec_)
        unexpected('?', at, "special character ? (zero or one)",
                   "the preceding character must not be special character");
      prec = false;
      break;
    case '+':
      if (!prec_)
        unexpected('+', at, "special character + (one or more)",
                   "the preceding character must not be special character");
      prec = false;
      break;
    case '*':
      prec = false;
      break;
    case '[': {
      if (peek() == ']') {
        size_t cat = pos_;
        next();
        unexpected(']', cat, "content of character match []", "character match must not be empty");
        break;
      }
      for (;;) {
        size_t sat = pos_;
        uint32_t s = next();
        if (s == ']')
          break;
        if (s == kEOF) {
          unexpected(kEOF, pos_, "end of character match []", "missing ]");
          return false;
        }
        if (s == '\\') {
          next();
          continue;
        }
        if (peek() != '-')
          continue;
        next(); // '-'
        size_t eat = pos_;
        uint32_t e = next();
        if (e == kEOF) {
          unexpected(kEOF, pos_, "character range in []", "missing end of range");
          return false;
        }
        if (e == ']') { // "[a-]": '-' is literal
          break;
        }
        (void)sat;
        if (s >= e) {
          std::string ss = quoteChar(s), es = quoteChar(e);
          unexpected(e, eat, "character range in []",
                     "start of range " + ss + " (" + std::to_string(s) +
                         ") is larger than end of range " + es + " (" + std::to_string(e) + ")");
        }
      }
      break;
    }
    case ' ':
    case '\t':
    case '~':
    case '^':
    case ':':
      if (isRef_)
        invalidRefChar(c, at, kRefRule);
      break;
    default:
      break;
    }
    prec_ = prec;
    return true;
  }

  llvm::StringRef pat_;
  bool isRef_;
  size_t pos_ = 0;
  bool prec_ = false; // the preceding character is a normal (repeatable) one
  std::vector<GlobError> errs_;
};

} // namespace

std::vector<GlobError> validateRefGlob(llvm::StringRef pattern) {
  return GlobValidator(pattern, true).run();
}

std::vector<GlobError> validatePathGlob(llvm::StringRef pattern) {
  std::vector<GlobError> errs;
  if (pattern.startswith(" "))
    errs.push_back({"leading spaces are not allowed in glob path", 0});
  if (pattern.size() > 1 && pattern.endswith(" "))
    errs.push_back({"trailing spaces are not allowed in glob path", pattern.size() - 1});
  std::vector<GlobError> syn = GlobValidator(pattern, false).run();
  errs.insert(errs.end(), syn.begin(), syn.end());
  llvm::StringRef p = pattern;
  p.consume_front("!");
  bool dots = p == "." || p == ".." || p.startswith("./") || p.startswith("../") ||
              p.contains("/./") || p.contains("/../") || p.endswith("/.") || p.endswith("/..");
  if (dots)
    errs.push_back({"'.' and '..' are not allowed in glob path", 0});
  return errs;
}

} // namespace passes
