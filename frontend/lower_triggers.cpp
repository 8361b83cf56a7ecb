// Lowering of `on:`: events, activity types, filters, schedules, dispatch and call interfaces.
#include "frontend/lower_workflow.h"

#include <vector>

namespace frontend {

namespace {

struct EventSchema {
  llvm::StringRef name;
  std::vector<llvm::StringRef> keys;  ///< allowed config keys (empty: no config)
  std::vector<llvm::StringRef> types; ///< allowed activity types (empty: free-form)
};

const std::vector<EventSchema> &eventSchemas() {
  static const std::vector<llvm::StringRef> prTypes = {
      "assigned",         "unassigned",         "labeled",
      "unlabeled",        "milestoned",         "demilestoned",
      "opened",           "edited",             "closed",
      "reopened",         "synchronize",        "converted_to_draft",
      "ready_for_review", "locked",             "unlocked",
      "enqueued",         "dequeued",           "review_requested",
      "review_request_removed", "auto_merge_enabled", "auto_merge_disabled",
      "stacked"};
  static const std::vector<llvm::StringRef> ced = {"created", "edited", "deleted"};
  static const std::vector<EventSchema> s = {
      {"branch_protection_rule", {"types"}, ced},
      {"check_run", {"types"}, {"created", "rerequested", "completed", "requested_action"}},
      {"check_suite", {"types"}, {"completed", "requested", "rerequested"}},
      {"create", {}, {}},
      {"delete", {}, {}},
      {"deployment", {}, {}},
      {"deployment_status", {}, {}},
      {"discussion",
       {"types"},
       {"created", "edited", "deleted", "transferred", "pinned", "unpinned", "labeled", "unlabeled",
        "locked", "unlocked", "category_changed", "answered", "unanswered"}},
      {"discussion_comment", {"types"}, ced},
      {"fork", {}, {}},
      {"gollum", {}, {}},
      {"image_version", {"types", "names", "versions"}, {"ready", "deleted"}},
      {"issue_comment", {"types"}, ced},
      {"issues",
       {"types"},
       {"opened", "edited", "deleted", "transferred", "pinned", "unpinned", "closed", "reopened",
        "assigned", "unassigned", "labeled", "unlabeled", "locked", "unlocked", "milestoned",
        "demilestoned", "typed", "untyped", "field_added", "field_removed"}},
      {"label", {"types"}, ced},
      {"merge_group", {"types", "branches", "branches-ignore"}, {"checks_requested"}},
      {"milestone", {"types"}, {"created", "closed", "opened", "edited", "deleted"}},
      {"page_build", {}, {}},
      {"project", {"types"}, {"created", "closed", "reopened", "edited", "deleted"}},
      {"project_card", {"types"}, {"created", "moved", "converted", "edited", "deleted"}},
      {"project_column", {"types"}, {"created", "updated", "moved", "deleted"}},
      {"public", {}, {}},
      {"pull_request", {"types", "branches", "branches-ignore", "paths", "paths-ignore"}, prTypes},
      {"pull_request_comment", {"types"}, ced},
      {"pull_request_review", {"types"}, {"submitted", "edited", "dismissed"}},
      {"pull_request_review_comment", {"types"}, ced},
      {"pull_request_target",
       {"types", "branches", "branches-ignore", "paths", "paths-ignore"},
       prTypes},
      {"push", {"branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore"}, {}},
      {"registry_package", {"types"}, {"published", "updated"}},
      {"release",
       {"types"},
       {"published", "unpublished", "created", "edited", "deleted", "prereleased", "released"}},
      {"repository_dispatch", {"types"}, {}},
      {"schedule", {}, {}},
      {"status", {}, {}},
      {"watch", {"types"}, {"started"}},
      {"workflow_call", {"inputs", "outputs", "secrets"}, {}},
      {"workflow_dispatch", {"inputs"}, {}},
      {"workflow_run", {"types", "workflows", "branches", "branches-ignore"},
       {"requested", "completed", "in_progress"}},
  };
  return s;
}

const EventSchema *findEvent(llvm::StringRef name) {
  for (const auto &e : eventSchemas())
    if (e.name == name)
      return &e;
  return nullptr;
}

std::vector<llvm::StringRef> eventNames() {
  std::vector<llvm::StringRef> out;
  for (const auto &e : eventSchemas())
    out.push_back(e.name);
  return out;
}

void lowerSchedule(LowerContext &cx, const YamlNode *n, ir::Trigger &t) {
  if (!cx.expectSequence(n, "a sequence of {cron: '...'} entries"))
    return;
  for (const YamlNode *item : n->items) {
    if (!cx.expectMapping(item, "a mapping with a 'cron' key"))
      continue;
    ir::Schedule s;
    s.range = item->range;
    bool haveCron = false;
    for (const YamlEntry &e : item->entries) {
      if (e.key->value == "cron") {
        if (auto c = cx.literal(e.value, "a cron string")) {
          s.cron = std::move(*c);
          haveCron = true;
        }
      } else if (e.key->value == "timezone") {
        s.timezone = cx.literal(e.value, "an IANA time zone name");
      } else {
        cx.unknownKey(e, {"cron", "timezone"}, "a schedule entry");
      }
    }
    if (!haveCron)
      cx.missingKey(item, "cron");
    t.schedules.push_back(std::move(s));
  }
}

void lowerInputs(LowerContext &cx, const YamlNode *n, ir::Trigger &t, bool isCall) {
  if (!n || n->isNull() || !cx.expectMapping(n, "a mapping of input ids to definitions"))
    return;
  static const llvm::StringRef dispatchKeys[] = {"description", "required", "default", "type",
                                                 "options"};
  static const llvm::StringRef callKeys[] = {"description", "required", "default", "type"};
  static const llvm::StringRef dispatchTypes[] = {"string", "boolean", "number", "choice",
                                                  "environment"};
  static const llvm::StringRef callTypes[] = {"boolean", "number", "string"};
  for (const YamlEntry &e : n->entries) {
    ir::WorkflowInput in;
    in.id = cx.key(e);
    in.range = e.value->range;
    if (!e.value->isNull() && cx.expectMapping(e.value, "an input definition mapping")) {
      for (const YamlEntry &p : e.value->entries) {
        llvm::StringRef k = p.key->value;
        if (k == "description")
          in.description = cx.literal(p.value, "a string");
        else if (k == "required")
          in.required = cx.literalBool(p.value, "required");
        else if (k == "type") {
          llvm::ArrayRef<llvm::StringRef> types =
              isCall ? llvm::ArrayRef<llvm::StringRef>(callTypes) : dispatchTypes;
          if (p.value->isScalar() && llvm::is_contained(types, p.value->value))
            in.type = ir::LocatedString{p.value->value.str(), p.value->range};
          else
            cx.invalidValue(p.value, types, "input type");
        } else if (k == "default") {
          in.defaultValue = cx.token(p.value, isCall ? "workflow-call-input-default" : "workflow-dispatch-input-default");
        } else if (k == "options" && !isCall) {
          in.options = cx.stringList(p.value, "a sequence of strings");
        } else {
          cx.unknownKey(p, isCall ? llvm::ArrayRef<llvm::StringRef>(callKeys) : dispatchKeys,
                        "an input definition");
        }
      }
      if (isCall && !in.type)
        cx.missingKey(e.value, "type");
    } else if (isCall && e.value->isNull()) {
      cx.missingKey(e.value, "type");
    }
    t.inputs.push_back(std::move(in));
  }
}

void lowerCallOutputs(LowerContext &cx, const YamlNode *n, ir::Trigger &t) {
  if (!n || n->isNull() || !cx.expectMapping(n, "a mapping of output ids to {value}"))
    return;
  for (const YamlEntry &e : n->entries) {
    ir::WorkflowOutput out;
    out.id = cx.key(e);
    out.range = e.value->range;
    if (!cx.expectMapping(e.value, "a mapping with 'value' (and 'description')"))
      continue;
    bool haveValue = false;
    for (const YamlEntry &p : e.value->entries) {
      if (p.key->value == "description") {
        out.description = cx.literal(p.value, "a string");
      } else if (p.key->value == "value") {
        if (auto v = cx.templ(p.value, "workflow-output-value", "a string")) {
          out.value = std::move(*v);
          haveValue = true;
        }
      } else {
        cx.unknownKey(p, {"description", "value"}, "a workflow_call output");
      }
    }
    if (!haveValue)
      cx.missingKey(e.value, "value");
    t.outputs.push_back(std::move(out));
  }
}

void lowerCallSecrets(LowerContext &cx, const YamlNode *n, ir::Trigger &t) {
  if (!n || n->isNull() || !cx.expectMapping(n, "a mapping of secret ids to definitions"))
    return;
  for (const YamlEntry &e : n->entries) {
    ir::WorkflowSecret s;
    s.id = cx.key(e);
    s.range = e.value->range;
    s.isNull = e.value->isNull();
    if (!s.isNull && cx.expectMapping(e.value, "a secret definition mapping")) {
      for (const YamlEntry &p : e.value->entries) {
        if (p.key->value == "description")
          s.description = cx.literal(p.value, "a string");
        else if (p.key->value == "required")
          s.required = cx.literalBool(p.value, "required");
        else
          cx.unknownKey(p, {"description", "required"}, "a workflow_call secret");
      }
    }
    t.secrets.push_back(std::move(s));
  }
}

void lowerEventConfig(LowerContext &cx, const EventSchema &schema, const YamlNode *v,
                      ir::Trigger &t) {
  if (schema.name == "schedule") {
    lowerSchedule(cx, v, t);
    return;
  }
  if (v->isNull())
    return;
  if (!cx.expectMapping(v, "a mapping of event options"))
    return;
  t.hasConfig = true;
  for (const YamlEntry &e : v->entries) {
    llvm::StringRef k = e.key->isScalar() ? e.key->value : "";
    if (!llvm::is_contained(schema.keys, k)) {
      static const llvm::StringRef filterKeys[] = {"branches", "branches-ignore", "tags",
                                                   "tags-ignore", "paths", "paths-ignore",
                                                   "types", "workflows"};
      if (llvm::is_contained(filterKeys, k)) // a filter this event does not take
        cx.diags.report(ir::DiagKind::SchemaEventFilter, e.key->range, k)
            .note({}, "event '" + schema.name.str() + "' allows: " + joinList(schema.keys));
      else
        cx.unknownKey(e, schema.keys, "event '" + schema.name.str() + "'");
      continue;
    }
    if (k == "types") {
      t.types = cx.stringList(e.value, "an activity type or a sequence of them");
      if (!schema.types.empty())
        for (const ir::LocatedString &ty : t.types)
          if (!llvm::is_contained(schema.types, llvm::StringRef(ty.value))) {
            auto &d = cx.diags.report(ir::DiagKind::SchemaEventActivityType, ty.range, ty.value);
            llvm::StringRef near = closestMatch(ty.value, schema.types);
            if (!near.empty())
              d.note({}, "did you mean '" + near.str() + "'?");
            d.note({}, "activity types of '" + schema.name.str() +
                                 "': " + joinList(schema.types));
          }
    } else if (k == "inputs") {
      lowerInputs(cx, e.value, t, schema.name == "workflow_call");
    } else if (k == "outputs") {
      lowerCallOutputs(cx, e.value, t);
    } else if (k == "secrets") {
      lowerCallSecrets(cx, e.value, t);
    } else {
      ir::TriggerFilter f;
      f.key = cx.key(e);
      f.patterns = cx.stringList(e.value, "a pattern or a sequence of patterns");
      t.filters.push_back(std::move(f));
    }
  }
}

bool lowerEventName(LowerContext &cx, const YamlNode *n, ir::Trigger &t) {
  if (cx.rejectExpression(n))
    return false;
  if (!findEvent(n->value)) {
    auto names = eventNames();
    auto &d = cx.diags.report(ir::DiagKind::SchemaEventUnknown, n->range, n->value);
    llvm::StringRef near = closestMatch(n->value, names);
    if (!near.empty())
      d.note({}, "did you mean '" + near.str() + "'?");
    d.note({}, "events: " + joinList(names));
    return false;
  }
  t.event = {n->value.str(), n->range};
  t.range = n->range;
  return true;
}

} // namespace

void lowerTriggers(LowerContext &cx, const YamlNode *on, ir::Workflow &wf) {
  wf.onRange = on->range;
  if (on->isScalar()) {
    wf.triggerForm = ir::TriggerForm::String;
    ir::Trigger t;
    if (cx.expectScalar(on, "an event name") && lowerEventName(cx, on, t))
      wf.triggers.push_back(std::move(t));
    return;
  }
  if (on->isSequence()) {
    wf.triggerForm = ir::TriggerForm::Sequence;
    for (const YamlNode *item : on->items) {
      ir::Trigger t;
      if (cx.expectScalar(item, "an event name") && lowerEventName(cx, item, t))
        wf.triggers.push_back(std::move(t));
    }
    return;
  }
  wf.triggerForm = ir::TriggerForm::Mapping;
  for (const YamlEntry &e : on->entries) {
    ir::Trigger t;
    if (!e.key->isScalar() || !lowerEventName(cx, e.key, t))
      continue;
    t.range = e.value->range;
    lowerEventConfig(cx, *findEvent(t.event.value), e.value, t);
    wf.triggers.push_back(std::move(t));
  }
}

} // namespace frontend
