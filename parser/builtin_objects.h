#pragma once
/// The builtins about objects and types: `isinstance`, `callable`, `getattr`, `hasattr`,
/// `setattr`, `super`, `object`.

#include <string>
#include <string_view>

#include "parser/evaluator.h"

namespace dagport::parser {

/// What `super()` is in the `__init__` of a local operator class being instantiated, when the
/// next class is Airflow's (BaseOperator, BashOperator...).
constexpr std::string_view kOperatorSuper = "super.__operator__";

/// The result of the builtin `name` when it is one of those above, or nullptr.
Val CallObjectBuiltin(Evaluator& ev, const std::string& name, CallArgs& args, TSNode node,
                      Frame& frame);

}  // namespace dagport::parser
