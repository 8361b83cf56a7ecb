/// \file
/// GitHub's implicit status check on `if:` (gha-semantics §3.1, §5.7), written
/// exactly as its workflow converter writes it: a missing or blank condition is
/// `success()`; a condition that calls no status function (success, failure,
/// cancelled, always; any case, anywhere) becomes `success() && (<expr>)`; one
/// that calls a status function is kept. The expression is the bare source, or
/// `format('...', ...)` for text mixed with `${{ }}` (which is always true:
/// §8 #11). Job and step conditions use the same rule.
#pragma once

#include "ir/template.h"

#include <optional>
#include <string>

namespace ir {

std::string rewriteCondition(const std::optional<Template> &cond);

} // namespace ir
