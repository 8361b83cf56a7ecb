// GitHub's matrix expansion: product, exclude, include, names and ids.
#include "passes/matrix_expand.h"

#include "ir/expr_value_ref.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

namespace passes {

using ir::Value;

namespace {

using ValueObject = ir::ValueObject;

struct Leaf {
  std::vector<std::string> path; // keys from the top-level key down
  Value value;
};

// Flattens mapping values to leaf paths (arrays and scalars are leaves).
void flatten(const Value &v, std::vector<std::string> &path, std::vector<Leaf> &out) {
  if (v.isObject() && !v.getObject().empty()) {
    for (const auto &e : v.getObject()) {
      path.push_back(e.key);
      flatten(e.value, path, out);
      path.pop_back();
    }
    return;
  }
  out.push_back({path, v});
}

const Value *lookupPath(const Value &obj, const std::vector<std::string> &path) {
  const Value *cur = &obj;
  for (const auto &k : path) {
    cur = cur->find(k);
    if (!cur)
      return nullptr;
  }
  return cur;
}

bool leavesMatch(const Value &combination, const std::vector<Leaf> &leaves) {
  for (const auto &l : leaves) {
    const Value *v = lookupPath(combination, l.path);
    Value null;
    if (!ir::looseEquals(ir::ValueRef::of(v ? *v : null), ir::ValueRef::of(l.value)))
      return false;
  }
  return true;
}

// Scalar leaves depth-first, for names: null and '' skipped.
void nameSegments(const Value &v, std::vector<std::string> &out) {
  switch (v.kind()) {
  case Value::Kind::Object:
    for (const auto &e : v.getObject())
      nameSegments(e.value, out);
    return;
  case Value::Kind::Array:
    for (const auto &e : v.getArray())
      nameSegments(e, out);
    return;
  case Value::Kind::Null:
    return;
  default: {
    std::string s = v.toString();
    if (!s.empty())
      out.push_back(std::move(s));
  }
  }
}

struct IncludeEntry {
  std::vector<Leaf> filter; // leaves of the vector keys
  std::vector<const ValueObject::Entry *> extras;
  const Value *item;
  bool used = false;
};

// GitHub's IdBuilder: sanitize, prefix, cap, de-duplicate case-insensitively.
class IdBuilder {
public:
  std::string make(const std::vector<std::string> &segments) {
    std::string id;
    for (size_t i = 0; i < segments.size(); ++i) {
      if (i)
        id += '_';
      for (char c : segments[i])
        id += (llvm::isAlnum(c) || c == '_' || c == '-') ? c : '_';
    }
    if (id.empty())
      id = "__default";
    if (llvm::isDigit(id[0]) || id[0] == '-')
      id = "_" + id;
    if (id.size() > 100)
      id.resize(100);
    std::string unique = id;
    for (unsigned n = 2; !seen_.insert(llvm::StringRef(unique).lower()).second; ++n) {
      std::string suffix = "_" + std::to_string(n);
      unique = id.substr(0, std::min(id.size(), 100 - suffix.size())) + suffix;
    }
    return unique;
  }

private:
  llvm::StringSet<> seen_;
};

} // namespace

std::string matrixDisplayName(llvm::StringRef name, const std::vector<std::string> &segments) {
  std::string out = name.str();
  if (!segments.empty()) {
    out += " (";
    for (size_t i = 0; i < segments.size(); ++i) {
      if (i)
        out += ", ";
      out += segments[i];
    }
    out += ")";
  }
  if (out.size() > 100) {
    out.resize(97);
    out += "...";
  }
  return out;
}

Value strategyContext(bool failFast, size_t index, size_t total,
                      std::optional<double> maxParallel) {
  ValueObject o;
  o.set("fail-fast", Value::boolean(failFast));
  o.set("job-index", Value::number(static_cast<double>(index)));
  o.set("job-total", Value::number(static_cast<double>(total)));
  o.set("max-parallel", Value::number(maxParallel ? *maxParallel : static_cast<double>(total)));
  return Value::object(std::move(o));
}

MatrixExpansion expandMatrix(const Value &matrix, llvm::StringRef jobName,
                             const MatrixOptions &opts) {
  MatrixExpansion out;
  auto fail = [&](std::string msg, std::string key = "") {
    out.legs.clear();
    out.error = MatrixError{std::move(msg), std::move(key)};
    return out;
  };
  if (!matrix.isObject())
    return fail("Unexpected value '" + matrix.toString() + "': a matrix must be a mapping");

  // 1. Vectors, include and exclude.
  std::vector<const ValueObject::Entry *> vectors;
  const Value *include = nullptr, *exclude = nullptr;
  for (const auto &e : matrix.getObject()) {
    if (llvm::StringRef(e.key).equals_insensitive("include")) {
      include = &e.value;
      continue;
    }
    if (llvm::StringRef(e.key).equals_insensitive("exclude")) {
      exclude = &e.value;
      continue;
    }
    if (!e.value.isArray())
      return fail("Matrix vector '" + e.key + "' must be a sequence of values", e.key);
    if (e.value.getArray().empty())
      return fail("Matrix vector '" + e.key + "' does not contain any values", e.key);
    vectors.push_back(&e);
  }
  auto isVectorKey = [&](llvm::StringRef k) {
    for (auto *v : vectors)
      if (llvm::StringRef(v->key).equals_insensitive(k))
        return true;
    return false;
  };
  if (include && !include->isArray() && !include->isNull())
    return fail("Matrix 'include' must be a sequence of mappings", "include");
  if (exclude && !exclude->isArray() && !exclude->isNull())
    return fail("Matrix 'exclude' must be a sequence of mappings", "exclude");
  bool haveIncludes = include && include->isArray() && !include->getArray().empty();
  if (vectors.empty() && !haveIncludes)
    return fail("Matrix must define at least one vector");

  // 3. Exclude filters.
  std::vector<std::vector<Leaf>> excludes;
  if (exclude && exclude->isArray()) {
    for (const Value &item : exclude->getArray()) {
      if (!item.isObject() || item.getObject().empty())
        return fail("Matrix exclude filter must be a non-empty mapping", "exclude");
      for (const auto &e : item.getObject())
        if (!isVectorKey(e.key))
          return fail("Matrix exclude key '" + e.key + "' does not match any key within the matrix",
                      "exclude");
      std::vector<Leaf> leaves;
      std::vector<std::string> path;
      flatten(item, path, leaves);
      excludes.push_back(std::move(leaves));
    }
  }

  // 4. Include entries.
  std::vector<IncludeEntry> includes;
  if (haveIncludes) {
    for (const Value &item : include->getArray()) {
      if (!item.isObject() || item.getObject().empty())
        return fail("Matrix include entry must be a non-empty mapping", "include");
      IncludeEntry entry;
      entry.item = &item;
      for (const auto &e : item.getObject()) {
        if (isVectorKey(e.key)) {
          std::vector<std::string> path{e.key};
          flatten(e.value, path, entry.filter);
        } else {
          entry.extras.push_back(&e);
        }
      }
      includes.push_back(std::move(entry));
    }
  }

  IdBuilder ids;
  auto addLeg = [&](Value m, const std::vector<std::string> &segments, bool appended) -> bool {
    if (out.legs.size() >= opts.maxLegs)
      return false;
    MatrixLeg leg;
    leg.matrix = std::move(m);
    leg.displayName = opts.suffixName ? matrixDisplayName(jobName, segments) : jobName.str();
    leg.configId = ids.make(segments);
    leg.appended = appended;
    out.legs.push_back(std::move(leg));
    return true;
  };
  auto tooMany = [&]() {
    return fail("Strategy produced more than " + std::to_string(opts.maxLegs) +
                " jobs; GitHub allows at most " + std::to_string(opts.maxLegs) +
                " jobs per matrix");
  };

  // 2 + 5. Product in declaration order, first key slowest.
  if (!vectors.empty()) {
    std::vector<size_t> idx(vectors.size(), 0);
    for (;;) {
      ValueObject combo;
      for (size_t k = 0; k < vectors.size(); ++k)
        combo.set(vectors[k]->key, vectors[k]->value.getArray()[idx[k]]);
      Value comboValue = Value::object(combo);
      bool excluded = false;
      for (const auto &ex : excludes)
        if (leavesMatch(comboValue, ex)) {
          excluded = true;
          break;
        }
      if (!excluded) {
        std::vector<std::string> segments;
        nameSegments(comboValue, segments);
        ValueObject extra;
        for (auto &inc : includes) {
          if (!leavesMatch(comboValue, inc.filter))
            continue;
          inc.used = true;
          for (const auto *e : inc.extras)
            extra.set(e->key, e->value);
        }
        for (const auto &e : extra)
          if (!combo.find(e.key))
            combo.set(e.key, e.value);
        if (!addLeg(Value::object(std::move(combo)), segments, false))
          return tooMany();
      }
      // Odometer: last key fastest.
      size_t k = vectors.size();
      while (k > 0) {
        --k;
        if (++idx[k] < vectors[k]->value.getArray().size())
          break;
        idx[k] = 0;
        if (k == 0) {
          k = SIZE_MAX;
          break;
        }
      }
      if (k == SIZE_MAX)
        break;
    }
  }

  // 6. Includes that matched nothing become legs of their own.
  for (const auto &inc : includes) {
    if (inc.used)
      continue;
    std::vector<std::string> segments;
    nameSegments(*inc.item, segments);
    if (!addLeg(*inc.item, segments, true))
      return tooMany();
  }
  return out;
}

} // namespace passes
