// Rule `credentials`: registry passwords of `container:` and `services:` written as
// literals, and credentials that lack a username or a password.
#include "passes/lint_rule.h"

namespace passes {

namespace {

using frontend::YamlEntry;
using frontend::YamlNode;

class CredentialsRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "credentials"; }

  void visitJobPre(const YamlJobView &job, LintContext &ctx) override {
    check(job.container, "\"container\" section", ctx);
    if (job.services && job.services->isMapping())
      for (const auto &s : job.services->entries)
        check(s.value, "\"" + s.key->value.str() + "\" service", ctx);
  }

private:
  static bool nonEmpty(const YamlNode *n) {
    return n && !(n->isScalar() && (n->isNull() || n->value.empty()));
  }

  static void check(const YamlNode *container, const std::string &where, LintContext &ctx) {
    if (!container || !container->isMapping())
      return;
    const YamlEntry *entry = container->getEntry("credentials");
    if (!entry)
      return;
    const YamlNode *creds = entry->value;
    // A registry login needs both halves; `${{ }}` may supply an object.
    bool expr = creds->isScalar() && !creds->isNull() && creds->value.contains("${{");
    if (!expr && (!creds->isMapping() || !nonEmpty(creds->get("username")) ||
                  !nonEmpty(creds->get("password"))))
      ctx.report(ir::DiagKind::YamlSyntax, entry->key->range,
                 "both \"username\" and \"password\" must be specified in \"credentials\" section");
    if (!creds->isMapping())
      return;
    const YamlNode *pw = creds->get("password");
    if (!pw || !pw->isScalar() || pw->isNull() || pw->value.empty())
      return;
    if (pw->value.contains("${{"))
      return; // from secrets, inputs, ... : fine
    ctx.report(ir::DiagKind::LintCredentials, pw->range, where);
  }
};

} // namespace

std::unique_ptr<LintRule> createCredentialsRule() { return std::make_unique<CredentialsRule>(); }

} // namespace passes
