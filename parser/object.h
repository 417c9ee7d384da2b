#pragma once
/// The evaluator's runtime values: what a DAG file's Python would compute at import time, as far
/// as static analysis can know it. Values are references, as in Python, into a `Heap` that owns
/// everything one file's analysis allocates and frees it at once (interpreters are full of
/// reference cycles: a module's functions refer to the module's globals, which hold them).
/// Anything that cannot be known is `kUnresolved`, carrying its source text and reason.

#include <tree_sitter/api.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ir/graph.h"
#include "ir/value.h"

namespace dagport::parser {

struct Obj;
using Val = Obj*;

/// Base of everything a Heap owns.
struct HeapItem {
  virtual ~HeapItem() = default;
};

/// Owns the objects of one analysis. Allocation goes to the heap installed on this thread by a
/// `HeapScope`. Objects are placed one after the other in large blocks (an analysis makes tens
/// of thousands, and frees them all at once): no allocator call per object, and objects made
/// together lie together in memory.
class Heap {
 public:
  Heap() = default;
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  template <typename T>
  T* Make() {
    static_assert(std::is_base_of_v<HeapItem, T>);
    T* raw = new (Allocate(sizeof(T), alignof(T))) T();
    items_.push_back(raw);
    return raw;
  }
  size_t size() const { return items_.size(); }
  /// Bytes of all the strings built (Str), for the evaluator's bound on them.
  void AddText(size_t bytes) { text_bytes_ += bytes; }
  size_t text_bytes() const { return text_bytes_; }

 private:
  static constexpr size_t kBlockBytes = 64 << 10;
  void* Allocate(size_t size, size_t align) {
    if (!blocks_.empty()) {
      const auto start = reinterpret_cast<uintptr_t>(blocks_.back().get());
      const uintptr_t at = (start + used_ + align - 1) & ~(uintptr_t{align} - 1);
      if (at + size <= start + block_bytes_) {
        used_ = at + size - start;
        return reinterpret_cast<void*>(at);
      }
    }
    block_bytes_ = std::max(size + align, kBlockBytes);
    blocks_.emplace_back(new std::byte[block_bytes_]);  // not zeroed
    used_ = 0;
    return Allocate(size, align);
  }

  std::vector<HeapItem*> items_;  ///< every object, in the order made
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  size_t used_ = 0;         ///< bytes used of the last block
  size_t block_bytes_ = 0;  ///< the last block's size
  size_t text_bytes_ = 0;
};

/// The longest string the evaluator builds (`'x' * n`, `str.join`, `str.ljust`, a format
/// width...); a longer result is unknown rather than gigabytes of memory.
inline constexpr size_t kMaxTextBytes = 16u << 20;

/// Installs `heap` as this thread's allocation heap for its lifetime.
class HeapScope {
 public:
  explicit HeapScope(Heap& heap);
  ~HeapScope();
  HeapScope(const HeapScope&) = delete;
  HeapScope& operator=(const HeapScope&) = delete;

 private:
  Heap* previous_;
};
Heap& CurrentHeap();

struct ModuleState;
struct Scope;
struct DagObj;
struct TaskObj;
struct GroupObj;

enum class Kind {
  kNone,
  kBool,
  kInt,
  kFloat,
  kStr,
  kList,
  kTuple,
  kDict,
  kSet,
  kTimedelta,
  kDatetime,
  kFunction,  ///< a `def` or `lambda` of the analysed code
  kBuiltin,   ///< a builtin or a known library function (name in `text`)
  kClass,     ///< a class defined in the analysed code
  kInstance,  ///< an instance of such a class (attributes in `entries`)
  kModule,    ///< a module of the analysed code (a local module or the file itself)
  kExternal,  ///< a name from a module not analysed (dotted path in `text`), e.g. an operator
  kDag,
  kTask,
  kTaskGroup,
  kBoundMethod,  ///< `receiver.method` (name in `text`)
  kUnresolved,
};

/// A function or lambda: its syntax node and where it was defined.
struct ClassInfo;

struct FunctionInfo : HeapItem {
  std::string name;
  TSNode node;  ///< function_definition or lambda
  ModuleState* module = nullptr;
  Scope* closure = nullptr;   ///< enclosing function scope, null at module level
  std::vector<Val> defaults;  ///< evaluated at definition, in parameter order
  /// How the function binds as a class attribute (@staticmethod, @classmethod, @property).
  enum class Binding { kMethod, kStatic, kClass, kProperty } binding = Binding::kMethod;
  ClassInfo* owner = nullptr;  ///< the class whose body defines it (for super())
  /// Whether its body yields (a generator function): -1 until first called.
  int8_t generator = -1;
};

/// A class of the analysed code.
struct ClassInfo : HeapItem {
  std::string name;
  std::string path;  ///< module path + name, e.g. "common.operators.S3CopyOperator"
  std::vector<Val> bases;
  std::vector<std::pair<std::string, Val>> attributes;  ///< class body names
  ModuleState* module = nullptr;
  TSNode node;
  const Val* FindAttribute(std::string_view name) const;
};

/// What only a few kinds of objects hold, kept out of `Obj` (below).
struct ObjExtra : HeapItem {
  ir::Datetime datetime;
  bool date_only = false;  ///< a `datetime.date`: no time of day, written YYYY-MM-DD
  std::string reason;
};

/// A value of the analysed code. An analysis makes hundreds of thousands of them (every literal
/// evaluated, every intermediate result), so the size matters more than the layout's elegance:
/// 192 bytes, three cache lines; the datetime and the unresolved reason, rare and 96 bytes
/// together, live in an `ObjExtra` on the same heap.
struct Obj : HeapItem {
  Kind kind = Kind::kNone;
  int64_t i = 0;  ///< bool, int, timedelta (microseconds)
  double f = 0;
  std::string text;  ///< str; dotted path (external); builtin or method name; unresolved source
  std::vector<Val> items;                    ///< list, tuple, set
  std::vector<std::pair<Val, Val>> entries;  ///< dict; instance attributes (string keys)
  /// Datetime objects: the value; the Unix epoch for every other kind.
  const ir::Datetime& datetime() const;
  /// Unresolved objects: why; empty for every other kind.
  const std::string& reason() const;
  /// Set once, when the object is made (`Datetime`, `Unresolved`).
  ObjExtra* extra = nullptr;
  FunctionInfo* function = nullptr;
  ClassInfo* cls = nullptr;  ///< class, or the class of an instance
  ModuleState* module = nullptr;
  DagObj* dag = nullptr;
  TaskObj* task = nullptr;
  GroupObj* group = nullptr;
  Val receiver = nullptr;  ///< bound method: the object it is bound to
  /// A list, dict or set changed by code that may not run: its contents are not statically known.
  bool maybe_changed = false;
  /// A list that code that may not run appended to: its first `certain_items` items are
  /// certain, the rest may or may not be there (SIZE_MAX: all certain).
  size_t certain_items = SIZE_MAX;
};

Val None();
Val Bool(bool b);
Val Int(int64_t i);
Val Float(double f);
Val Str(std::string s);
Val List(std::vector<Val> items);
Val Tuple(std::vector<Val> items);
Val Set(const std::vector<Val>& items);
Val Dict(const std::vector<std::pair<Val, Val>>& entries = {});
Val Timedelta(int64_t microseconds);
Val Datetime(ir::Datetime dt);
/// A `datetime.date` (a kDatetime at midnight whose text is the date alone).
Val Date(ir::Datetime dt);
/// Whether `v` is a `datetime.date`.
bool IsDate(const Val& v);
Val External(std::string dotted_path);
Val Builtin(std::string name);
Val BoundMethod(Val receiver, std::string name);
Val Unresolved(std::string source, std::string reason);

inline bool Is(const Val& v, Kind k) {
  return v && v->kind == k;
}
bool IsUnresolved(const Val& v);
bool IsNumber(const Val& v);  ///< bool, int or float
double AsDouble(const Val& v);

/// Python truthiness; nullopt when it cannot be known (unresolved, external).
std::optional<bool> Truth(const Val& v);
/// Python `==`; nullopt when it cannot be known.
std::optional<bool> Equal(const Val& a, const Val& b);
/// Python `str(v)`; nullopt when it cannot be known.
std::optional<std::string> ToStr(const Val& v);
/// Python `repr(v)`; nullopt when it cannot be known.
std::optional<std::string> Repr(const Val& v);
/// A short name of the value's type for messages ("str", "DAG", "task", ...).
std::string_view TypeName(const Val& v);

/// Dict lookup by equality; nullptr when absent (or when the dict is not a dict).
Val* DictFind(const Val& dict, const Val& key);
void DictSet(const Val& dict, const Val& key, Val value);
Val* DictFindStr(const Val& dict, std::string_view key);

/// Converts to an IR value. Tasks become their task_id, DAGs their dag_id, functions callable
/// references; strings holding Jinja (`{{`, `{%`) become templates.
ir::Value ToIrValue(const Val& v);

}  // namespace dagport::parser
