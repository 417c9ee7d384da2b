#pragma once
/// `Value`: exactly what static analysis knows about a Python value in a DAG file.
///
/// Scalars, containers, Airflow's time types and schedule expressions are held as they are;
/// anything the analysis cannot know (a `Variable.get`, `os.environ`, `datetime.now()`, a call
/// into a third-party library) is `Unresolved`, carrying its source text and the reason. Nothing
/// is ever guessed.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ir/source_range.h"

namespace dagport::ir {

enum class ValueKind {
  kNone,
  kBool,
  kInt,
  kFloat,
  kString,
  kTemplate,  ///< a string holding Jinja (`{{ ... }}` / `{% ... %}`), rendered per run
  kList,
  kTuple,
  kDict,
  kTimedelta,
  kDatetime,
  kCron,  ///< a schedule expression: cron ("0 5 * * *") or preset ("@daily")
  kCallable,
  kUnresolved,
};

/// The name used for a kind in JSON and messages ("none", "bool", ..., "unresolved").
std::string_view KindName(ValueKind kind);

struct Datetime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, microsecond = 0;
  std::string timezone;  ///< IANA name or "UTC"; empty for a naive datetime
  friend bool operator==(const Datetime&, const Datetime&) = default;
  /// ISO 8601 without the zone: 2021-03-04T05:06:07[.000008].
  std::string Iso() const;
};

/// A reference to a callable (a function or method the DAG file passes, such as
/// `python_callable=load`), by name and where it is defined.
struct CallableRef {
  std::string name;
  std::string file;  ///< empty when defined in the same file
  SourceRange where;
  friend bool operator==(const CallableRef&, const CallableRef&) = default;
};

struct Unresolved {
  std::string source;  ///< the expression's source text
  std::string reason;  ///< why it cannot be known statically
  friend bool operator==(const Unresolved&, const Unresolved&) = default;
};

class Value {
 public:
  using Items = std::vector<Value>;
  using Entries = std::vector<std::pair<Value, Value>>;  ///< insertion order, as Python keeps

  Value() = default;  ///< None
  static Value None() { return {}; }
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Float(double d);
  static Value String(std::string s);
  static Value Template(std::string s);
  static Value Cron(std::string expression);
  static Value List(Items items);
  static Value Tuple(Items items);
  static Value Dict(Entries entries);
  static Value Timedelta(int64_t microseconds);
  static Value MakeDatetime(Datetime dt);
  static Value Callable(CallableRef ref);
  static Value MakeUnresolved(std::string source, std::string reason);

  ValueKind kind() const { return kind_; }
  bool is_none() const { return kind_ == ValueKind::kNone; }
  bool is_unresolved() const { return kind_ == ValueKind::kUnresolved; }
  /// String, Template or Cron: a value whose payload is text.
  bool is_text() const;
  /// List or Tuple.
  bool is_sequence() const;
  /// True when this value or anything inside it is unresolved.
  bool contains_unresolved() const;

  bool as_bool() const { return std::get<bool>(data_); }
  int64_t as_int() const { return std::get<int64_t>(data_); }
  double as_float() const { return std::get<double>(data_); }
  const std::string& as_text() const {
    if (const auto* inline_text = std::get_if<std::string>(&data_)) return *inline_text;
    return *std::get<Shared<std::string>>(data_);
  }
  const Items& items() const { return *std::get<Shared<Items>>(data_); }
  const Entries& entries() const { return *std::get<Shared<Entries>>(data_); }
  int64_t timedelta_microseconds() const { return std::get<int64_t>(data_); }
  const Datetime& datetime() const { return *std::get<Shared<Datetime>>(data_); }
  const CallableRef& callable() const { return *std::get<Shared<CallableRef>>(data_); }
  const Unresolved& unresolved() const { return *std::get<Shared<Unresolved>>(data_); }

  /// The value under a string key of a Dict; nullptr when absent or not a Dict.
  const Value* Find(std::string_view key) const;

  /// Python-like source text: 'a', 3, timedelta(seconds=300), [1, 2], {'k': v}.
  std::string ToPython() const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  template <typename T>
  using Shared = std::shared_ptr<const T>;

  Value(ValueKind kind, auto data) : kind_(kind), data_(std::move(data)) {}
  static Value Text(ValueKind kind, std::string text);

  ValueKind kind_ = ValueKind::kNone;
  /// Lists, dicts, the rarer kinds and text longer than a std::string holds inline are shared,
  /// never copied, by the copies of a value: the values of a DAG's `default_args` are in the
  /// effective arguments of each of its tasks, and each task's arguments are there again.
  std::variant<std::monostate, bool, int64_t, double, std::string, Shared<std::string>,
               Shared<Items>, Shared<Entries>, Shared<Datetime>, Shared<CallableRef>,
               Shared<Unresolved>>
      data_;
};

/// Keyword arguments in the order they were written.
using Arguments = std::vector<std::pair<std::string, Value>>;

/// The argument named `name`, or nullptr.
const Value* FindArgument(const Arguments& args, std::string_view name);

}  // namespace dagport::ir
