// Case-insensitive comparisons with GitHub's upper-casing rules.
#include "ir/text_case.h"

#include <algorithm>
#include <cstring>

namespace ir {

namespace {

struct UpperRun {
  uint32_t lo, hi;
  int32_t delta;
  uint32_t stride;
};

#define CI_UPPER_RUN(lo, hi, delta, stride) {lo, hi, delta, stride},
const UpperRun kUpperRuns[] = {
#include "ir/unicode_case.inc"
};
#undef CI_UPPER_RUN

bool isAscii(llvm::StringRef s) {
  for (unsigned char c : s)
    if (c >= 0x80)
      return false;
  return true;
}

inline char upperAscii(char c) { return (c >= 'a' && c <= 'z') ? char(c - 32) : c; }

/// Decodes one code point at `i` (advancing it); a malformed byte decodes as itself.
uint32_t decode(llvm::StringRef s, size_t &i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  unsigned len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return c;
  }
  uint32_t cp = c & (0x7F >> len);
  for (unsigned k = 1; k < len; ++k) {
    unsigned char d = b(i + k);
    if ((d & 0xC0) != 0x80) {
      ++i;
      return c;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  i += len;
  return cp;
}

void encode(uint32_t cp, std::string &out) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

/// UTF-16 ordering key: supplementary code points sort as their high surrogate.
inline uint64_t utf16Key(uint32_t cp) {
  if (cp < 0x10000)
    return uint64_t(cp) << 16;
  uint32_t v = cp - 0x10000;
  return (uint64_t(0xD800 + (v >> 10)) << 16) | (0xDC00 + (v & 0x3FF));
}

} // namespace

uint32_t toUpperSimple(uint32_t cp) {
  if (cp < 0x80)
    return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
  auto it = std::upper_bound(std::begin(kUpperRuns), std::end(kUpperRuns), cp,
                             [](uint32_t v, const UpperRun &r) { return v < r.lo; });
  if (it == std::begin(kUpperRuns))
    return cp;
  const UpperRun &r = *(it - 1);
  if (cp > r.hi || (cp - r.lo) % r.stride != 0)
    return cp;
  return static_cast<uint32_t>(static_cast<int64_t>(cp) + r.delta);
}

int compareIgnoreCase(llvm::StringRef a, llvm::StringRef b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    unsigned char ca = a[i], cb = b[j];
    if (ca < 0x80 && cb < 0x80) {
      char ua = upperAscii(char(ca)), ub = upperAscii(char(cb));
      if (ua != ub)
        return ua < ub ? -1 : 1;
      ++i, ++j;
      continue;
    }
    uint64_t ka = utf16Key(toUpperSimple(decode(a, i)));
    uint64_t kb = utf16Key(toUpperSimple(decode(b, j)));
    if (ka != kb)
      return ka < kb ? -1 : 1;
  }
  if (i < a.size())
    return 1;
  if (j < b.size())
    return -1;
  return 0;
}

bool equalsIgnoreCaseSlow(llvm::StringRef a, llvm::StringRef b) {
  if (a.size() == b.size()) {
    // ASCII fast path; stops at the first byte that differs ignoring ASCII case.
    const unsigned char *p = reinterpret_cast<const unsigned char *>(a.data());
    const unsigned char *q = reinterpret_cast<const unsigned char *>(b.data());
    size_t n = a.size(), k = 0;
    bool ascii = true;
    for (; k < n; ++k) {
      unsigned char x = p[k], y = q[k];
      if (x == y) {
        ascii &= x < 0x80;
        continue;
      }
      if (((x | 0x20) == (y | 0x20)) && (x | 0x20) >= 'a' && (x | 0x20) <= 'z')
        continue;
      break;
    }
    if (k == n)
      return true; // equal ignoring ASCII case (non-ASCII bytes identical)
    if (ascii && p[k] < 0x80 && q[k] < 0x80 && isAscii(a.drop_front(k)) && isAscii(b.drop_front(k)))
      return false;
  } else if (isAscii(a) && isAscii(b)) {
    return false;
  }
  return compareIgnoreCase(a, b) == 0;
}

std::string foldCase(llvm::StringRef s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      out += upperAscii(char(c));
      ++i;
      continue;
    }
    encode(toUpperSimple(decode(s, i)), out);
  }
  return out;
}

namespace {
/// Hash of bytes with bit 0x20 of every byte cleared (a coarser fold than
/// upper-casing, so strings equal after upper-casing hash alike). Returns false,
/// without a hash, when `ascii` is asked for and a byte is not ASCII.
bool hashFolded(llvm::StringRef s, bool ascii, uint64_t &out) {
  constexpr uint64_t kMask = ~0x2020202020202020ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (ascii && (w & kHigh))
      return false;
    h = (h ^ (w & kMask)) * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 32;
  }
  uint64_t w = 0;
  std::memcpy(&w, s.data() + i, s.size() - i);
  if (ascii && (w & kHigh))
    return false;
  h = (h ^ (w & kMask)) * 0xC4CEB9FE1A85EC53ULL;
  out = h ^ (h >> 29);
  return true;
}
} // namespace

uint64_t hashIgnoreCase(llvm::StringRef s) {
  uint64_t h;
  if (!hashFolded(s, /*ascii=*/true, h))
    hashFolded(foldCase(s), /*ascii=*/false, h);
  return h;
}

bool startsWithIgnoreCase(llvm::StringRef s, llvm::StringRef prefix) {
  if (isAscii(s) && isAscii(prefix))
    return s.startswith_insensitive(prefix);
  return llvm::StringRef(foldCase(s)).startswith(foldCase(prefix));
}

bool endsWithIgnoreCase(llvm::StringRef s, llvm::StringRef suffix) {
  if (isAscii(s) && isAscii(suffix))
    return s.endswith_insensitive(suffix);
  return llvm::StringRef(foldCase(s)).endswith(foldCase(suffix));
}

bool containsIgnoreCase(llvm::StringRef s, llvm::StringRef needle) {
  if (needle.empty())
    return true;
  if (isAscii(s) && isAscii(needle))
    return s.find_insensitive(needle) != llvm::StringRef::npos;
  return llvm::StringRef(foldCase(s)).contains(foldCase(needle));
}

} // namespace ir
