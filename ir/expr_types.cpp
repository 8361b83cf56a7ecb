// Expression types, their join, and the context type builders.
#include "ir/expr_types.h"

#include "ir/text_case.h"

namespace ir {

namespace {
TypeRef simple(ExprType::Kind k) {
  auto t = std::make_shared<ExprType>();
  t->kind = k;
  return t;
}
} // namespace

TypeRef anyType() {
  static const TypeRef t = simple(ExprType::Kind::Any);
  return t;
}
TypeRef nullType() {
  static const TypeRef t = simple(ExprType::Kind::Null);
  return t;
}
TypeRef boolType() {
  static const TypeRef t = simple(ExprType::Kind::Bool);
  return t;
}
TypeRef numberType() {
  static const TypeRef t = simple(ExprType::Kind::Number);
  return t;
}
TypeRef stringType() {
  static const TypeRef t = simple(ExprType::Kind::String);
  return t;
}

TypeRef arrayType(TypeRef element, bool filtered) {
  auto t = std::make_shared<ExprType>();
  t->kind = ExprType::Kind::Array;
  t->element = element ? std::move(element) : anyType();
  t->filtered = filtered;
  return t;
}

TypeRef mapType(TypeRef element) {
  auto t = std::make_shared<ExprType>();
  t->kind = ExprType::Kind::Map;
  t->element = element ? std::move(element) : anyType();
  return t;
}

TypeRef makeObjectType(std::vector<std::pair<std::string, TypeRef>> props, bool open) {
  auto t = std::make_shared<ExprType>();
  t->kind = ExprType::Kind::Object;
  t->props = std::move(props);
  t->open = open;
  return t;
}

TypeRef ExprType::property(llvm::StringRef name) const {
  for (const auto &[k, v] : props)
    if (equalsIgnoreCase(k, name))
      return v;
  return nullptr;
}

std::string ExprType::str() const {
  switch (kind) {
  case Kind::Any:
    return "any";
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "bool";
  case Kind::Number:
    return "number";
  case Kind::String:
    return "string";
  case Kind::Array:
    return "array<" + element->str() + ">";
  case Kind::Map:
    return "map<" + element->str() + ">";
  case Kind::Object: {
    std::string s = "{";
    size_t shown = 0;
    for (const auto &[k, v] : props) {
      if (shown == 5) {
        s += ", ...";
        break;
      }
      if (shown++)
        s += ", ";
      s += k + ": " + v->str();
    }
    if (open && shown < 5)
      s += props.empty() ? "..." : ", ...";
    return s + "}";
  }
  }
  return "any";
}

TypeRef joinTypes(const TypeRef &a, const TypeRef &b) {
  if (!a)
    return b;
  if (!b || a == b)
    return a;
  if (a->kind != b->kind || a->kind == ExprType::Kind::Any)
    return anyType();
  switch (a->kind) {
  case ExprType::Kind::Array:
    return arrayType(joinTypes(a->element, b->element), a->filtered && b->filtered);
  case ExprType::Kind::Map:
    return mapType(joinTypes(a->element, b->element));
  case ExprType::Kind::Object: {
    std::vector<std::pair<std::string, TypeRef>> props;
    for (const auto &[k, v] : a->props)
      if (TypeRef w = b->property(k))
        props.emplace_back(k, joinTypes(v, w));
    bool open = a->open || b->open || props.size() != a->props.size() ||
                props.size() != b->props.size();
    return makeObjectType(std::move(props), open);
  }
  default:
    return a; // same primitive kind
  }
}

void TypeEnv::set(llvm::StringRef name, TypeRef type) {
  for (auto &[n, t] : contexts_)
    if (equalsIgnoreCase(n, name)) {
      t = std::move(type);
      return;
    }
  contexts_.emplace_back(name.str(), std::move(type));
}

TypeRef TypeEnv::find(llvm::StringRef name) const {
  for (const auto &[n, t] : contexts_)
    if (equalsIgnoreCase(n, name))
      return t;
  return nullptr;
}

std::vector<std::string> TypeEnv::names() const {
  std::vector<std::string> out;
  for (const auto &[n, t] : contexts_)
    out.push_back(n);
  return out;
}

TypeRef githubContextType() {
  static const TypeRef t = [] {
    std::vector<std::pair<std::string, TypeRef>> p;
    for (const char *name :
         {"action", "action_path", "action_ref", "action_repository", "action_status", "actor",
          "actor_id", "api_url", "base_ref", "env", "event_name", "event_path", "graphql_url",
          "head_ref", "job", "path", "ref", "ref_name", "ref_type", "repository",
          "repository_id", "repository_owner", "repository_owner_id", "repositoryUrl",
          "retention_days", "run_id", "run_number", "run_attempt", "secret_source",
          "server_url", "sha", "token", "triggering_actor", "workflow", "workflow_ref",
          "workflow_sha", "workspace", "output", "state", "step_summary",
          // Set by the runner though not in the documented list.
          "repository_visibility", "job_workflow_sha"})
      p.emplace_back(name, stringType());
    p.emplace_back("ref_protected", boolType());
    p.emplace_back("event", makeObjectType({}, /*open=*/true));
    return makeObjectType(std::move(p));
  }();
  return t;
}

TypeRef runnerContextType() {
  static const TypeRef t = makeObjectType({{"name", stringType()},
                                           {"os", stringType()},
                                           {"arch", stringType()},
                                           {"temp", stringType()},
                                           {"tool_cache", stringType()},
                                           {"debug", stringType()},
                                           {"environment", stringType()},
                                           // Not in the docs table, but set by the runner
                                           // (JobExtension) and used by real workflows.
                                           {"workspace", stringType()}});
  return t;
}

TypeRef strategyContextType() {
  static const TypeRef t = makeObjectType({{"fail-fast", boolType()},
                                           {"job-index", numberType()},
                                           {"job-total", numberType()},
                                           {"max-parallel", numberType()}});
  return t;
}

TypeRef jobContextType() {
  static const TypeRef t = [] {
    TypeRef container = makeObjectType({{"id", stringType()}, {"network", stringType()}});
    TypeRef service = makeObjectType(
        {{"id", stringType()}, {"network", stringType()}, {"ports", mapType(stringType())}});
    return makeObjectType({{"container", container},
                           {"services", mapType(service)},
                           {"status", stringType()},
                           {"check_run_id", numberType()},
                           {"workflow_ref", stringType()},
                           {"workflow_sha", stringType()},
                           {"workflow_repository", stringType()},
                           {"workflow_file_path", stringType()}});
  }();
  return t;
}

TypeRef stringMapType() {
  static const TypeRef t = mapType(stringType());
  return t;
}

TypeEnv defaultTypeEnv(llvm::ArrayRef<std::string> contexts) {
  TypeEnv env;
  for (const std::string &c : contexts) {
    llvm::StringRef n = c;
    if (n.equals_insensitive("github"))
      env.set(c, githubContextType());
    else if (n.equals_insensitive("runner"))
      env.set(c, runnerContextType());
    else if (n.equals_insensitive("strategy"))
      env.set(c, strategyContextType());
    else if (n.equals_insensitive("job"))
      env.set(c, jobContextType());
    else if (n.equals_insensitive("env") || n.equals_insensitive("vars") ||
             n.equals_insensitive("secrets"))
      env.set(c, stringMapType());
    else if (n.equals_insensitive("inputs") || n.equals_insensitive("matrix") ||
             n.equals_insensitive("needs") || n.equals_insensitive("steps") ||
             n.equals_insensitive("jobs"))
      env.set(c, anyType());
  }
  return env;
}

TypeRef makeNeedsType(llvm::ArrayRef<std::pair<std::string, std::vector<std::string>>> jobOutputs) {
  std::vector<std::pair<std::string, TypeRef>> jobs;
  for (const auto &[job, outputs] : jobOutputs) {
    std::vector<std::pair<std::string, TypeRef>> outs;
    for (const std::string &o : outputs)
      outs.emplace_back(o, stringType());
    jobs.emplace_back(job, makeObjectType({{"outputs", makeObjectType(std::move(outs))},
                                           {"result", stringType()}}));
  }
  return makeObjectType(std::move(jobs));
}

TypeRef makeStepsType(llvm::ArrayRef<std::string> stepIds) {
  std::vector<std::pair<std::string, TypeRef>> steps;
  TypeRef step = makeObjectType({{"outputs", stringMapType()},
                                 {"outcome", stringType()},
                                 {"conclusion", stringType()}});
  for (const std::string &id : stepIds)
    steps.emplace_back(id, step);
  return makeObjectType(std::move(steps));
}

TypeRef typeOfValue(const Value &v) {
  switch (v.kind()) {
  case Value::Kind::Null:
    return nullType();
  case Value::Kind::Bool:
    return boolType();
  case Value::Kind::Number:
    return numberType();
  case Value::Kind::String:
    return stringType();
  case Value::Kind::Array: {
    TypeRef el;
    for (const Value &e : v.getArray())
      el = joinTypes(el, typeOfValue(e));
    return arrayType(el ? el : anyType());
  }
  case Value::Kind::Object: {
    std::vector<std::pair<std::string, TypeRef>> props;
    for (const auto &m : v.getObject())
      props.emplace_back(m.key, typeOfValue(m.value));
    return makeObjectType(std::move(props));
  }
  }
  return anyType();
}

} // namespace ir
