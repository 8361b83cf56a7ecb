// Cron expression parser and shortest-interval computation.
#include "passes/lint_cron.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <iterator>
#include <vector>

namespace passes {

namespace {

struct FieldSpec {
  const char *name;
  unsigned lo, hi;
  const char *const *names; // 3-letter names starting at `namesBase`, or null
  unsigned namesBase;
};

const char *const kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                               "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", nullptr};
const char *const kDays[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", nullptr};

const FieldSpec kFields[5] = {
    {"minute", 0, 59, nullptr, 0},       {"hour", 0, 23, nullptr, 0},
    {"day of month", 1, 31, nullptr, 0}, {"month", 1, 12, kMonths, 1},
    {"day of week", 0, 6, kDays, 0},
};

std::string rangeText(const FieldSpec &f) {
  std::string s = std::to_string(f.lo) + "-" + std::to_string(f.hi);
  if (f.names)
    s += f.names == kMonths ? " or JAN-DEC" : " or SUN-SAT";
  return s;
}

// Parses a number or a name of field `f`.
std::optional<unsigned> parseValue(llvm::StringRef s, const FieldSpec &f) {
  unsigned v;
  if (!s.empty() && llvm::all_of(s, llvm::isDigit) && s.size() <= 4 && !s.getAsInteger(10, v))
    return v;
  if (f.names)
    for (unsigned i = 0; f.names[i]; ++i)
      if (s.equals_insensitive(f.names[i]))
        return f.namesBase + i;
  return std::nullopt;
}

class FieldParser {
public:
  FieldParser(const FieldSpec &f, size_t base, CronError &err) : f_(f), base_(base), err_(err) {}

  bool fail(llvm::StringRef item, size_t at, const std::string &msg) {
    err_.message = msg;
    err_.offset = base_ + at;
    err_.length = item.size();
    return false;
  }

  // Parses one comma-separated item starting at byte `at` of the field.
  template <size_t N> bool item(llvm::StringRef it, size_t at, std::bitset<N> &bits) {
    std::string where = "in the " + std::string(f_.name) + " field";
    if (it.empty())
      return fail(it, at, "empty value " + where + " (two commas in a row?)");
    llvm::StringRef rangePart = it, stepPart;
    bool hasStep = false;
    if (size_t slash = it.find('/'); slash != llvm::StringRef::npos) {
      rangePart = it.substr(0, slash);
      stepPart = it.substr(slash + 1);
      hasStep = true;
    }
    unsigned lo = f_.lo, hi = f_.hi, step = 1;
    if (hasStep) {
      if (stepPart.empty() || !llvm::all_of(stepPart, llvm::isDigit) || stepPart.size() > 4 ||
          stepPart.getAsInteger(10, step) || step == 0)
        return fail(it, at, "step \"" + stepPart.str() + "\" " + where +
                                " must be a positive number");
    }
    if (rangePart == "*") {
      // every value (with the step)
    } else {
      llvm::StringRef a = rangePart, b;
      bool isRange = false;
      if (size_t dash = rangePart.find('-'); dash != llvm::StringRef::npos && dash > 0) {
        a = rangePart.substr(0, dash);
        b = rangePart.substr(dash + 1);
        isRange = true;
      }
      auto va = parseValue(a, f_);
      if (!va)
        return fail(it, at, "invalid value \"" + a.str() + "\" " + where + "; expected " +
                                rangeText(f_));
      lo = *va;
      if (isRange) {
        auto vb = parseValue(b, f_);
        if (!vb)
          return fail(it, at, "invalid value \"" + b.str() + "\" " + where + "; expected " +
                                  rangeText(f_));
        hi = *vb;
      } else if (!hasStep) {
        hi = lo;
      }
      // Sunday may be written 7.
      unsigned max = &f_ == &kFields[4] ? 7 : f_.hi;
      if (lo < f_.lo || lo > max)
        return fail(it, at, "value " + std::to_string(lo) + " " + where + " is out of range " +
                                rangeText(f_));
      if (hi < f_.lo || hi > max)
        return fail(it, at, "value " + std::to_string(hi) + " " + where + " is out of range " +
                                rangeText(f_));
      if (lo > hi)
        return fail(it, at, "beginning of range (" + std::to_string(lo) +
                                ") beyond end of range (" + std::to_string(hi) + ") " + where);
    }
    for (unsigned v = lo; v <= hi; v += step)
      bits.set(&f_ == &kFields[4] ? v % 7 : v);
    return true;
  }

  template <size_t N> bool field(llvm::StringRef text, std::bitset<N> &bits) {
    size_t start = 0;
    for (;;) {
      size_t comma = text.find(',', start);
      llvm::StringRef it = text.slice(start, comma);
      if (!item(it, start, bits))
        return false;
      if (comma == llvm::StringRef::npos)
        return true;
      start = comma + 1;
    }
  }

private:
  const FieldSpec &f_;
  size_t base_;
  CronError &err_;
};

} // namespace

std::optional<CronSchedule> parseCron(llvm::StringRef expr, CronError &err) {
  struct Tok {
    llvm::StringRef text;
    size_t offset;
  };
  llvm::SmallVector<Tok, 6> toks;
  for (size_t i = 0; i < expr.size();) {
    if (expr[i] == ' ' || expr[i] == '\t' || expr[i] == '\n' || expr[i] == '\r') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < expr.size() && !(expr[j] == ' ' || expr[j] == '\t' || expr[j] == '\n' ||
                                expr[j] == '\r'))
      ++j;
    toks.push_back({expr.slice(i, j), i});
    i = j;
  }
  if (toks.size() != 5) {
    std::string joined;
    for (size_t i = 0; i < toks.size(); ++i)
      joined += (i ? " " : "") + toks[i].text.str();
    err.message = "expected exactly 5 fields, found " + std::to_string(toks.size()) + ": [" +
                  joined + "]";
    err.offset = 0;
    err.length = expr.size();
    return std::nullopt;
  }
  CronSchedule s;
  if (!FieldParser(kFields[0], toks[0].offset, err).field(toks[0].text, s.minutes) ||
      !FieldParser(kFields[1], toks[1].offset, err).field(toks[1].text, s.hours) ||
      !FieldParser(kFields[2], toks[2].offset, err).field(toks[2].text, s.days) ||
      !FieldParser(kFields[3], toks[3].offset, err).field(toks[3].text, s.months) ||
      !FieldParser(kFields[4], toks[4].offset, err).field(toks[4].text, s.weekdays))
    return std::nullopt;
  return s;
}

bool isIanaTimezone(llvm::StringRef name) {
  static const char *const kZones[] = {
#include "passes/lint_timezones.inc"
  };
  return std::binary_search(std::begin(kZones), std::end(kZones), name,
                            [](llvm::StringRef a, llvm::StringRef b) { return a < b; });
}

uint64_t shortestCronInterval(const CronSchedule &s) {
  std::vector<unsigned> mins;
  for (unsigned m = 0; m < 60; ++m)
    if (s.minutes.test(m))
      mins.push_back(m);
  unsigned best = 24 * 60; // at most one run a day as far as minutes and hours tell
  for (size_t i = 1; i < mins.size(); ++i)
    best = std::min(best, mins[i] - mins[i - 1]);
  if (!mins.empty()) {
    // From the last minute of an hour to the first of the next hour, when
    // two consecutive hours (23 -> 0 included) both run.
    unsigned wrap = 60 - mins.back() + mins.front();
    for (unsigned h = 0; h < 24; ++h)
      if (s.hours.test(h) && s.hours.test((h + 1) % 24)) {
        best = std::min(best, wrap);
        break;
      }
    if (s.hours.count() == 1 && mins.size() == 1)
      best = std::min(best, 24u * 60u);
  }
  return static_cast<uint64_t>(best) * 60;
}

} // namespace passes
