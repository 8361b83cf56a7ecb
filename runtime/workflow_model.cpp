// The workflow model: reading and checking a plan workflow's JSON, parsing its expressions.
#include "runtime/workflow_model.h"

#include "frontend/template_parser.h"
#include "ir/expr_eval.h"
#include "ir/value_json.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace runtime {

ir::Value jsonToValue(const json &j) {
  switch (j.type()) {
  case json::value_t::null:
  case json::value_t::discarded:
    return ir::Value();
  case json::value_t::boolean:
    return ir::Value::boolean(j.get<bool>());
  case json::value_t::number_integer:
  case json::value_t::number_unsigned:
  case json::value_t::number_float:
    return ir::Value::number(j.get<double>());
  case json::value_t::string:
    return ir::Value::string(j.get<std::string>());
  case json::value_t::array: {
    ir::ValueArray items;
    items.reserve(j.size());
    for (const json &e : j)
      items.push_back(jsonToValue(e));
    return ir::Value::array(std::move(items));
  }
  case json::value_t::object: {
    ir::ValueObject obj;
    obj.reserve(j.size());
    for (auto it = j.begin(); it != j.end(); ++it)
      obj.set(it.key(), jsonToValue(it.value()));
    return ir::Value::object(std::move(obj));
  }
  case json::value_t::binary:
    break;
  }
  return ir::Value();
}

json valueToJson(const ir::Value &v) {
  switch (v.kind()) {
  case ir::Value::Kind::Null:
    return nullptr;
  case ir::Value::Kind::Bool:
    return v.getBool();
  case ir::Value::Kind::Number: {
    double d = v.getNumber();
    if (d != d || d == HUGE_VAL || d == -HUGE_VAL)
      return nullptr;
    if (d == static_cast<double>(static_cast<int64_t>(d)) && d > -9.0e15 && d < 9.0e15)
      return static_cast<int64_t>(d);
    return d;
  }
  case ir::Value::Kind::String:
    return v.getString().str();
  case ir::Value::Kind::Array: {
    json out = json::array();
    for (const ir::Value &e : v.getArray())
      out.push_back(valueToJson(e));
    return out;
  }
  case ir::Value::Kind::Object: {
    json out = json::object();
    for (const auto &e : v.getObject())
      out[e.key] = valueToJson(e.value);
    return out;
  }
  }
  return nullptr;
}

namespace {

frontend::ExprParseOptions parseOptions() {
  frontend::ExprParseOptions o;
  // Job-level status functions take optional job ids (gha-semantics §3.1).
  o.extraFunctions = {{"success", 0, 255}, {"failure", 0, 255}, {"cancelled", 0, 0}, {"always", 0, 0}};
  return o;
}

llvm::Error planError(const std::string &message) {
  return llvm::createStringError(std::errc::invalid_argument, "%s", message.c_str());
}

std::string firstError(const std::vector<frontend::TemplateError> &errors) {
  return errors.empty() ? std::string("invalid expression") : errors.front().message;
}

} // namespace

PlanExpr PlanExpr::constantValue(ir::Value value) {
  PlanExpr e;
  e.source_ = valueToJson(value);
  e.constant_ = std::move(value);
  return e;
}

namespace {
llvm::Expected<ir::Value> parseOrdered(const json &text, const std::string &what) {
  if (!text.is_string())
    return planError(what + " must be JSON text");
  ir::Value v;
  ir::JSONParseError err;
  if (!ir::parseJSON(text.get<std::string>(), v, err))
    return planError(what + ": " + err.message);
  return v;
}

void rewriteMatrices(nlohmann::ordered_json &plan) {
  if (!plan.is_object() || !plan.contains("workflows") || !plan["workflows"].is_array())
    return;
  for (auto &wf : plan["workflows"]) {
    if (!wf.is_object() || !wf.contains("jobs") || !wf["jobs"].is_array())
      continue;
    for (auto &job : wf["jobs"]) {
      if (!job.is_object())
        continue;
      if (job.contains("strategy") && job["strategy"].is_object() && job["strategy"].contains("matrix") &&
          job["strategy"]["matrix"].is_object()) {
        job["strategy"]["matrix_json"] = job["strategy"]["matrix"].dump();
        job["strategy"].erase("matrix");
      }
      if (job.contains("instances") && job["instances"].is_array())
        for (auto &inst : job["instances"])
          if (inst.is_object() && inst.contains("matrix") && inst["matrix"].is_object()) {
            inst["matrix_json"] = inst["matrix"].dump();
            inst.erase("matrix");
          }
    }
  }
}
} // namespace

llvm::Expected<json> readPlanKeepingMatrixOrder(llvm::StringRef text) {
  nlohmann::ordered_json plan = nlohmann::ordered_json::parse(text.begin(), text.end(), nullptr, false);
  if (plan.is_discarded())
    return planError("not a JSON plan");
  rewriteMatrices(plan);
  return json::parse(plan.dump());
}

PlanExpr PlanExpr::constant(json value) {
  PlanExpr e;
  e.constant_ = jsonToValue(value);
  e.source_ = std::move(value);
  return e;
}

llvm::Expected<PlanExpr> PlanExpr::read(const json &value, llvm::StringRef what) {
  if (!value.is_string() || value.get_ref<const std::string &>().find("${{") == std::string::npos)
    return constant(value);
  std::vector<frontend::TemplateError> errors;
  ir::Template t = frontend::parseTemplate(value.get<std::string>(), parseOptions(), errors);
  if (!errors.empty())
    return planError(fmt::format("{0}: {1} in {2}", what.str(), firstError(errors), value.dump()));
  PlanExpr e;
  e.source_ = value;
  e.tmpl_ = std::make_shared<const ir::Template>(std::move(t));
  return e;
}

llvm::Expected<PlanExpr> PlanExpr::condition(llvm::StringRef source, llvm::StringRef what) {
  std::vector<frontend::TemplateError> errors;
  ir::Template t = frontend::parseBareExpression(source, parseOptions(), errors);
  if (!errors.empty())
    return planError(fmt::format("{0}: {1} in \"{2}\"", what.str(), firstError(errors), source.str()));
  PlanExpr e;
  e.source_ = source.str();
  e.tmpl_ = std::make_shared<const ir::Template>(std::move(t));
  return e;
}

bool PlanExpr::evaluate(const ir::Value &contexts, ir::ExprHost *host, ir::Value &out,
                        std::string &error) const {
  if (!tmpl_) {
    out = constant_;
    return true;
  }
  ir::EvalOptions opts;
  opts.host = host;
  ir::EvalResult r = ir::evaluateTemplate(*tmpl_, contexts, opts);
  if (r.error) {
    error = r.error->message;
    return false;
  }
  out = std::move(r.value);
  return true;
}

int32_t WorkflowModel::findJob(llvm::StringRef id) const {
  for (size_t i = 0; i < jobs.size(); ++i)
    if (llvm::StringRef(jobs[i].id).equals_insensitive(id))
      return static_cast<int32_t>(i);
  for (size_t i = 0; i < jobs.size(); ++i)
    if (llvm::StringRef(jobs[i].localId).equals_insensitive(id))
      return static_cast<int32_t>(i);
  return -1;
}

namespace {

llvm::Expected<std::optional<ModelConcurrency>> readConcurrency(const json &c, const std::string &at) {
  if (c.is_null())
    return std::nullopt;
  ModelConcurrency out;
  json group = c.is_string() ? c : c.value("group", json());
  if (!group.is_string() || group.get<std::string>().empty())
    return planError(at + ": concurrency needs a non-empty group");
  llvm::Expected<PlanExpr> g = PlanExpr::read(group, at + ": concurrency.group");
  if (!g)
    return g.takeError();
  out.group = std::move(*g);
  llvm::Expected<PlanExpr> cip = PlanExpr::read(
      c.is_object() ? c.value("cancel_in_progress", json(false)) : json(false),
      at + ": concurrency.cancel_in_progress");
  if (!cip)
    return cip.takeError();
  out.cancelInProgress = std::move(*cip);
  if (c.is_object())
    out.queue = c.value("queue", std::string("single"));
  if (out.queue != "single" && out.queue != "max")
    return planError(at + ": concurrency.queue must be \"single\" or \"max\", not \"" + out.queue + "\"");
  return out;
}

/// Reads one job; needs are resolved to indices later.
llvm::Error readJob(const json &j, const std::string &at, ModelJob &job,
                    std::vector<std::pair<std::string, std::string>> &needs, std::string &call) {
  if (!j.is_object())
    return planError(at + ": a job must be an object");
  json id = j.value("id", json());
  if (!id.is_string() || id.get<std::string>().empty())
    return planError(at + ": a job has no \"id\"");
  job.id = id.get<std::string>();
  std::string where = at + ": job \"" + job.id + "\"";
  job.localId = j.value("local_id", job.id);
  json name = j.value("name", json());
  job.name = name.is_string() ? name.get<std::string>() : job.localId;
  if (llvm::Expected<PlanExpr> n = PlanExpr::read(job.name, where + ": name"))
    job.nameExpr = std::move(*n);
  else
    return n.takeError();
  json needsAs = j.value("needs_as", json::object());
  for (const json &n : j.value("needs", json::array())) {
    std::string nid = n.is_string() ? n.get<std::string>() : n.is_object() ? n.value("id", "") : "";
    if (nid.empty())
      return planError(where + ": invalid needs entry " + n.dump());
    std::string key = n.is_object() && n.contains("as") ? n["as"].get<std::string>()
                      : needsAs.is_object() && needsAs.contains(nid) ? needsAs[nid].get<std::string>()
                                                                      : "";
    needs.push_back({nid, key});
  }
  json cond = j.value("if", json());
  std::string condSource = cond.is_string() && !llvm::StringRef(cond.get<std::string>()).trim().empty()
                               ? cond.get<std::string>()
                               : "success()";
  llvm::Expected<PlanExpr> c = PlanExpr::condition(condSource, where + ": if");
  if (!c)
    return c.takeError();
  job.condition = std::move(*c);
  auto readValue = [&](const char *key, json def, PlanExpr &out) -> llvm::Error {
    llvm::Expected<PlanExpr> v = PlanExpr::read(j.value(key, def), where + ": " + key);
    if (!v)
      return v.takeError();
    out = std::move(*v);
    return llvm::Error::success();
  };
  if (llvm::Error e = readValue("continue_on_error", false, job.continueOnError))
    return e;
  if (llvm::Error e = readValue("timeout_minutes", 360, job.timeoutMinutes))
    return e;
  json strategy = j.value("strategy", json());
  if (strategy.is_object()) {
    job.hasStrategy = true;
    llvm::Expected<PlanExpr> ff = PlanExpr::read(strategy.value("fail_fast", json(true)), where + ": strategy.fail_fast");
    if (!ff)
      return ff.takeError();
    job.failFast = std::move(*ff);
    llvm::Expected<PlanExpr> mp = PlanExpr::read(strategy.value("max_parallel", json()), where + ": strategy.max_parallel");
    if (!mp)
      return mp.takeError();
    job.maxParallel = std::move(*mp);
    json matrix = strategy.value("matrix", json());
    if (strategy.contains("matrix_json")) {
      llvm::Expected<ir::Value> m = parseOrdered(strategy["matrix_json"], where + ": strategy.matrix_json");
      if (!m)
        return m.takeError();
      job.matrix = PlanExpr::constantValue(std::move(*m));
    } else if (!matrix.is_null()) {
      llvm::Expected<PlanExpr> m = PlanExpr::read(matrix, where + ": strategy.matrix");
      if (!m)
        return m.takeError();
      job.matrix = std::move(*m);
    }
  } else {
    job.failFast = PlanExpr::constant(true);
    job.maxParallel = PlanExpr::constant(nullptr);
  }
  if (j.contains("instances") && j["instances"].is_array()) {
    std::vector<ModelInstance> legs;
    size_t i = 0;
    for (const json &inst : j["instances"]) {
      ModelInstance leg;
      std::string config = inst.value("config_id", std::to_string(i));
      leg.id = inst.value("id", job.id + "." + config);
      leg.name = inst.value("name", job.name);
      if (inst.contains("matrix_json")) {
        llvm::Expected<ir::Value> m = parseOrdered(inst["matrix_json"], where + ": instances[].matrix_json");
        if (!m)
          return m.takeError();
        leg.matrix = std::move(*m);
      } else {
        leg.matrix = jsonToValue(inst.value("matrix", json()));
      }
      legs.push_back(std::move(leg));
      ++i;
    }
    if (legs.empty())
      return planError(where + ": \"instances\" is empty");
    job.instances = std::move(legs);
    job.matrix.reset();
  }
  llvm::Expected<std::optional<ModelConcurrency>> conc = readConcurrency(j.value("concurrency", json()), where);
  if (!conc)
    return conc.takeError();
  job.concurrency = std::move(*conc);
  job.outputs = j.value("outputs", json::object());
  job.spec = j.value("spec", json::object());
  json uses = j.value("uses", json());
  job.isCall = uses.is_string() && !uses.get<std::string>().empty();
  if (job.isCall) {
    job.uses = uses.get<std::string>();
    json with = j.value("with", json::object());
    if (!with.is_object())
      return planError(where + ": \"with\" must be an object");
    for (auto it = with.begin(); it != with.end(); ++it) {
      llvm::Expected<PlanExpr> v = PlanExpr::read(it.value(), where + ": with." + it.key());
      if (!v)
        return v.takeError();
      job.with.emplace_back(it.key(), std::move(*v));
    }
    job.secrets = j.value("secrets", json());
  }
  json callOf = j.value("call", json());
  call = callOf.is_string() ? callOf.get<std::string>() : "";
  return llvm::Error::success();
}

} // namespace

llvm::Expected<std::shared_ptr<const WorkflowModel>> readWorkflowModel(const json &w) {
  if (!w.is_object())
    return planError("plan: a workflow must be an object");
  auto model = std::make_shared<WorkflowModel>();
  json id = w.value("id", json());
  if (!id.is_string() || id.get<std::string>().empty())
    return planError("plan: a workflow has no \"id\"");
  model->id = id.get<std::string>();
  std::string at = "plan: workflow \"" + model->id + "\"";
  model->path = w.value("path", json()).is_string() ? w["path"].get<std::string>() : model->id;
  model->name = w.value("name", json()).is_string() ? w["name"].get<std::string>() : model->path;
  llvm::Expected<std::optional<ModelConcurrency>> conc = readConcurrency(w.value("concurrency", json()), at);
  if (!conc)
    return conc.takeError();
  model->concurrency = std::move(*conc);
  model->env = w.value("env", json::object());
  json jobs = w.value("jobs", json());
  if (!jobs.is_array() || jobs.empty())
    return planError(at + " has no jobs");
  std::vector<std::vector<std::pair<std::string, std::string>>> needs(jobs.size());
  std::vector<std::string> calls(jobs.size());
  llvm::StringMap<uint32_t> byId;
  for (size_t i = 0; i < jobs.size(); ++i) {
    ModelJob job;
    if (llvm::Error e = readJob(jobs[i], at, job, needs[i], calls[i]))
      return e;
    if (!byId.insert({llvm::StringRef(job.id).lower(), static_cast<uint32_t>(i)}).second)
      return planError(at + ": duplicate job id \"" + job.id + "\"");
    model->jobs.push_back(std::move(job));
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    ModelJob &job = model->jobs[i];
    for (auto &[nid, key] : needs[i]) {
      auto it = byId.find(llvm::StringRef(nid).lower());
      if (it == byId.end())
        return planError(at + ": job \"" + job.id + "\" needs unknown job \"" + nid + "\"");
      job.needs.push_back(it->second);
      job.needsKeys.push_back(key.empty() ? model->jobs[it->second].localId : key);
      model->jobs[it->second].dependents.push_back(static_cast<uint32_t>(i));
    }
    if (!calls[i].empty()) {
      auto it = byId.find(llvm::StringRef(calls[i]).lower());
      if (it == byId.end() || !model->jobs[it->second].isCall)
        return planError(at + ": job \"" + job.id + "\" is a member of \"" + calls[i] +
                         "\", which is not a reusable-workflow call");
      job.call = static_cast<int32_t>(it->second);
      model->jobs[it->second].members.push_back(static_cast<uint32_t>(i));
    }
  }
  for (ModelJob &job : model->jobs) {
    job.statusDeps = job.needs;
    if (job.call >= 0)
      for (uint32_t n : model->jobs[job.call].needs)
        if (std::find(job.statusDeps.begin(), job.statusDeps.end(), n) == job.statusDeps.end())
          job.statusDeps.push_back(n);
  }
  // Cycle check over needs and call membership (iterative DFS).
  std::vector<uint8_t> state(model->jobs.size(), 0);
  for (size_t root = 0; root < model->jobs.size(); ++root) {
    if (state[root])
      continue;
    std::vector<std::pair<uint32_t, size_t>> stack{{static_cast<uint32_t>(root), 0}};
    state[root] = 1;
    while (!stack.empty()) {
      auto &[node, next] = stack.back();
      const ModelJob &job = model->jobs[node];
      size_t edges = job.needs.size() + (job.call >= 0 ? 1 : 0);
      if (next == edges) {
        state[node] = 2;
        stack.pop_back();
        continue;
      }
      uint32_t to = next < job.needs.size() ? job.needs[next] : static_cast<uint32_t>(job.call);
      ++next;
      if (state[to] == 1)
        return planError(at + ": needs cycle through job \"" + model->jobs[to].id + "\"");
      if (state[to] == 0) {
        state[to] = 1;
        stack.push_back({to, 0});
      }
    }
  }
  return std::shared_ptr<const WorkflowModel>(std::move(model));
}

} // namespace runtime
