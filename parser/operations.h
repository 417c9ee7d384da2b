#pragma once
/// Python's operations on the evaluator's values: operators, attributes, subscripts, builtins,
/// methods of the built-in types, and string formatting. Each returns an unresolved value when
/// the result cannot be known statically; none throws on user input.

#include <optional>
#include <string>

#include "parser/evaluator.h"

namespace dagport::parser {

/// Records that `container` is changed; changed by code that may not run, its contents are no
/// longer statically known.
void NoteMutation(const Evaluator& ev, const Val& container);
/// The same for an append or extend: the items before it stay certain.
void NoteAppend(const Evaluator& ev, const Val& container);

/// `a OP b` for OP in + - * / // % ** << >> & | ^ @ (`>>`/`<<` on tasks declare dependencies).
Val BinaryOperation(Evaluator& ev, const std::string& op, Val a, Val b, TSNode node, Frame& frame);
/// `a OP b` for OP in < > <= >= == != in, not in, is, is not; nullopt when unknown.
std::optional<bool> Compare(const std::string& op, const Val& a, const Val& b);

Val GetAttribute(Evaluator& ev, Val obj, const std::string& name, TSNode node, Frame& frame);
void SetAttribute(Evaluator& ev, Val obj, const std::string& name, Val value, TSNode node,
                  Frame& frame);
/// `obj[key]`, where key may be a slice (a tuple of start, stop, step from `EvalSubscript`).
Val Index(Evaluator& ev, Val obj, Val key, TSNode node, Frame& frame);
Val SliceOf(Evaluator& ev, Val obj, Val start, Val stop, Val step, TSNode node, Frame& frame);

/// True for the names Python (and dagport) knows as builtins.
bool IsBuiltinName(std::string_view name);
Val CallBuiltin(Evaluator& ev, const std::string& name, CallArgs& args, TSNode node, Frame& frame);
/// Methods of str, list, dict, set, tuple, timedelta, datetime; tasks and DAGs are handled by the
/// Airflow model first.
Val CallMethod(Evaluator& ev, Val receiver, const std::string& name, CallArgs& args, TSNode node,
               Frame& frame);

/// `fmt % args`; nullopt when a conversion is not known statically.
std::optional<std::string> PercentFormat(const std::string& format, const Val& args);
/// `fmt.format(*args, **kwargs)`.
std::optional<std::string> StrFormat(const std::string& format, const CallArgs& args);
/// `format(value, spec)`, as f-strings and str.format apply a format specification.
std::optional<std::string> FormatWithSpec(const Val& value, std::string_view spec);

}  // namespace dagport::parser
