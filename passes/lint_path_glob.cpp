// Path glob matching (`*`, `**`, `?`, classes, braces) by dynamic programming.
#include "passes/lint_path_glob.h"

#include <string>
#include <vector>

namespace passes {

namespace {

enum class Tok : uint8_t { Lit, Any, Star, DoubleStar, DoubleStarSlash, Class };

struct Token {
  Tok kind = Tok::Lit;
  char c = 0;
  bool negated = false;
  std::string ranges; // pairs lo,hi
};

constexpr size_t kMaxAlternatives = 64;

// Expands the first `{a,b}` group (recursively); gives up past kMaxAlternatives.
void expandBraces(const std::string &p, std::vector<std::string> &out) {
  if (out.size() >= kMaxAlternatives)
    return;
  size_t open = std::string::npos;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
      continue;
    }
    if (p[i] == '{') {
      open = i;
      break;
    }
  }
  if (open == std::string::npos) {
    out.push_back(p);
    return;
  }
  int depth = 0;
  std::vector<size_t> commas;
  size_t close = std::string::npos;
  for (size_t i = open; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
      continue;
    }
    if (p[i] == '{')
      ++depth;
    else if (p[i] == '}' && --depth == 0) {
      close = i;
      break;
    } else if (p[i] == ',' && depth == 1)
      commas.push_back(i);
  }
  if (close == std::string::npos) { // unbalanced: literal brace
    out.push_back(p);
    return;
  }
  size_t start = open + 1;
  commas.push_back(close);
  for (size_t c : commas) {
    expandBraces(p.substr(0, open) + p.substr(start, c - start) + p.substr(close + 1), out);
    start = c + 1;
  }
}

Token mk(Tok kind, char c = 0) {
  Token t;
  t.kind = kind;
  t.c = c;
  return t;
}

std::vector<Token> tokenize(llvm::StringRef p) {
  std::vector<Token> toks;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      toks.push_back(mk(Tok::Lit, p[++i]));
    } else if (c == '*') {
      if (i + 1 < p.size() && p[i + 1] == '*') {
        ++i;
        while (i + 1 < p.size() && p[i + 1] == '*')
          ++i;
        if (i + 1 < p.size() && p[i + 1] == '/') {
          ++i;
          toks.push_back(mk(Tok::DoubleStarSlash));
        } else {
          toks.push_back(mk(Tok::DoubleStar));
        }
      } else {
        toks.push_back(mk(Tok::Star));
      }
    } else if (c == '?') {
      toks.push_back(mk(Tok::Any));
    } else if (c == '[') {
      size_t j = i + 1;
      Token t = mk(Tok::Class);
      if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
        t.negated = true;
        ++j;
      }
      bool closed = false;
      bool first = true;
      for (; j < p.size(); ++j) {
        if (p[j] == ']' && !first) {
          closed = true;
          break;
        }
        first = false;
        char lo = p[j];
        if (lo == '\\' && j + 1 < p.size())
          lo = p[++j];
        char hi = lo;
        if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
          hi = p[j + 2];
          j += 2;
        }
        t.ranges.push_back(lo);
        t.ranges.push_back(hi);
      }
      if (!closed) {
        toks.push_back(mk(Tok::Lit, '['));
        continue;
      }
      toks.push_back(std::move(t));
      i = j;
    } else {
      toks.push_back(mk(Tok::Lit, c));
    }
  }
  return toks;
}

bool inClass(const Token &t, char c) {
  bool in = false;
  for (size_t k = 0; k + 1 < t.ranges.size(); k += 2)
    if (c >= t.ranges[k] && c <= t.ranges[k + 1])
      in = true;
  return in != t.negated;
}

bool matchTokens(const std::vector<Token> &toks, llvm::StringRef s) {
  size_t n = s.size();
  // next[j]: tokens[i+1..] match s[j..]; cur[j]: tokens[i..] match s[j..].
  std::vector<char> next(n + 1, 0), cur(n + 1, 0);
  next[n] = 1;
  for (size_t i = toks.size(); i-- > 0;) {
    const Token &t = toks[i];
    switch (t.kind) {
    case Tok::Lit:
      for (size_t j = 0; j <= n; ++j)
        cur[j] = j < n && s[j] == t.c && next[j + 1];
      break;
    case Tok::Any:
      for (size_t j = 0; j <= n; ++j)
        cur[j] = j < n && s[j] != '/' && next[j + 1];
      break;
    case Tok::Class:
      for (size_t j = 0; j <= n; ++j)
        cur[j] = j < n && s[j] != '/' && inClass(t, s[j]) && next[j + 1];
      break;
    case Tok::Star:
      cur[n] = next[n];
      for (size_t j = n; j-- > 0;)
        cur[j] = next[j] || (s[j] != '/' && cur[j + 1]);
      break;
    case Tok::DoubleStar:
      cur[n] = next[n];
      for (size_t j = n; j-- > 0;)
        cur[j] = next[j] || cur[j + 1];
      break;
    case Tok::DoubleStarSlash: {
      // Zero or more whole segments, each ending in '/'.
      bool later = false; // some k > j with s[k-1] == '/' and next[k]
      cur[n] = next[n];
      for (size_t j = n; j-- > 0;) {
        if (s[j] == '/' && next[j + 1])
          later = true;
        cur[j] = next[j] || later;
      }
      break;
    }
    }
    std::swap(cur, next);
  }
  return next[0];
}

} // namespace

bool matchPathGlob(llvm::StringRef pattern, llvm::StringRef path) {
  std::vector<std::string> alts;
  expandBraces(pattern.str(), alts);
  for (const std::string &a : alts)
    if (matchTokens(tokenize(a), path))
      return true;
  return false;
}

} // namespace passes
