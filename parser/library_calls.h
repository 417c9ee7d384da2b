#pragma once
/// Calls DAG files make to compute values, into modules dagport does not analyse but whose
/// functions it knows: datetime/timedelta, pendulum, os.path, pathlib, json (configuration files
/// inside the analysed folders), re, copy, functools.partial, os.environ (unresolved).

#include <string>

#include "parser/evaluator.h"

namespace dagport::parser {

/// The result of calling the library function `path`, or nullptr when `path` is not one
/// dagport knows.
Val CallLibrary(Evaluator& ev, std::string_view path, CallArgs& args, TSNode node, Frame& frame);

}  // namespace dagport::parser
