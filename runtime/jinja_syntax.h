#pragma once
/// A template of the local runtime (runtime/jinja_template.h) as a tree: text, `{{ }}` outputs
/// and the statements `{% if %}`, `{% for %}` and `{% set %}` with their bodies, each holding
/// its expressions as trees too. ParseTemplate reads the whole template first, as Jinja compiles
/// it, so that an error of form is reported even in a branch that is not taken; the tree is then
/// rendered by runtime/jinja_render. Internal to the runtime.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/jinja_value.h"

namespace dagport::runtime::jinja {

/// An error of the template's form (Jinja's TemplateSyntaxError): the same whether the part is
/// rendered or not.
struct SyntaxError : TemplateError {
  using TemplateError::TemplateError;
};

/// An error already located in the template (`{% for x in y %} on line 3 cannot be rendered:
/// ...`): passed on as it is by the statements around it.
struct LocatedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Token {
  enum Kind { kName, kInteger, kFloat, kString, kOp, kEnd } kind = kEnd;
  std::string text;  ///< a name, an operator, the text of a string (unescaped) or a number
};

/// An expression. Operands and arguments are `items`, in the order they are written.
struct Expr {
  enum Kind {
    kLiteral,    ///< value
    kName,       ///< name
    kList,       ///< [items...] (tuples are lists too)
    kDict,       ///< {items[0]: items[1], items[2]: items[3], ...}
    kAttribute,  ///< items[0].name
    kItem,       ///< items[0][items[1]]
    kSlice,      ///< items[0][items[1]:items[2]:items[3]], a missing part a literal None
    kCall,       ///< items[0](items[1:]), the last keywords.size() items keyword arguments
    kFilter,     ///< items[0] | name(items[1:]), keywords as for kCall
    kTest,       ///< items[0] is [not] name(items[1:]), keywords as for kCall
    kNot,        ///< not items[0]
    kNegative,   ///< -items[0]
    kPositive,   ///< +items[0]
    kBinary,     ///< items[0] name items[1], name one of + - * / // % **
    kConcat,     ///< items[0] ~ items[1] ~ ...
    kCompare,    ///< items[0] ops[0] items[1] ops[1] items[2] ..., Python's chained comparison
    kAnd,        ///< items[0] and items[1]
    kOr,         ///< items[0] or items[1]
    kCondition,  ///< items[0] if items[1] [else items[2]]
  } kind = kLiteral;
  Json value;                         ///< kLiteral
  std::string name;                   ///< the name, attribute, filter, test or operator
  std::vector<std::string> ops;       ///< kCompare: ==, !=, <, <=, >, >=, in, not in
  std::vector<Expr> items;            ///< operands, arguments
  std::vector<std::string> keywords;  ///< the names of the keyword arguments, last in items
  bool negated = false;               ///< kTest: `is not`
  int depth = 1;                      ///< how deep the tree below is (bounded by kMaxDepth)

  size_t positional() const { return items.size() - 1 - keywords.size(); }
};

/// Reads an expression from the tokens of one tag, with Jinja's grammar and precedence.
class ExpressionParser {
 public:
  explicit ExpressionParser(const std::vector<Token>& tokens) : tokens_(tokens) {}

  /// An expression, with `a if c else b` unless `with_condition` is false (a for loop's
  /// iterable, whose `if` is the loop's filter).
  Expr Expression(bool with_condition = true);
  /// `a, b, c` as a list, or one expression alone, as Jinja's parse_tuple.
  Expr Tuple(bool with_condition = true);
  /// The names assigned by `for` and `set`: `x`, `k, v` or `(k, v)`.
  std::vector<std::string> Targets();

  const Token& Peek(size_t ahead = 0) const;
  bool IsName(std::string_view name) const;
  bool IsOp(std::string_view op) const;
  bool AtEnd() const { return Peek().kind == Token::kEnd; }
  void Next() { ++pos_; }
  void ExpectName(std::string_view name);
  void Expect(std::string_view op);
  /// Fails when anything is left.
  void ExpectEnd();

 private:
  struct Depth;
  Expr Condition(bool with_condition);
  Expr Or();
  Expr And();
  Expr Not();
  Expr Compare();
  Expr Additive();
  Expr Concat();
  Expr Multiplicative();
  Expr Power();
  Expr FilteredUnary() { return Unary(true); }
  Expr Unary(bool with_filters);
  /// `operand (op operand)*` for the ops given, grouped from the left.
  Expr LeftToRight(std::initializer_list<std::string_view> ops, Expr::Kind kind,
                   Expr (ExpressionParser::*operand)());
  Expr Primary();
  Expr Postfix(Expr e);
  Expr FilterOrTest(Expr e);
  Expr Subscript(Expr target);
  /// `callee(arguments)`.
  Expr Call(Expr callee);
  /// `(a, b, k=v)` into `call.items` and `call.keywords`.
  void Arguments(Expr& call);
  std::string DottedName();

  const std::vector<Token>& tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

/// A tag as written and where it is, for messages.
struct Tag {
  std::string text;  ///< `{% for x in xs %}`, `{{ ds }}`
  int line = 1;
  bool show_line = false;  ///< the template has several lines

  /// `{% for x in xs %} on line 3`, or the tag alone in a template of one line.
  std::string Where() const;
};

/// A piece of a template as Jinja's lexer cuts it: text (comments dropped, `{% raw %}` blocks
/// and whitespace control applied), or a `{{ }}` or `{% %}` tag with its tokens.
struct Piece {
  enum Kind { kText, kOutput, kStatement } kind = kText;
  std::string text;  ///< kText
  Tag tag;
  std::vector<Token> tokens;  ///< ending with a kEnd token
};

/// Cuts a template as Jinja's lexer does with Airflow's settings (trim_blocks and lstrip_blocks
/// off, keep_trailing_newline off): newlines made \n, one trailing newline dropped, `{{-`/`-}}`
/// (and `{%-`, `-%}`, `{#-`, `-#}`) trimming the white space before or after. A tag ends at the
/// first closer outside strings and brackets. Throws LocatedError.
std::vector<Piece> LexTemplate(std::string_view text);

struct Node;
using Body = std::vector<Node>;

/// One branch of `{% if %}` (`{% if c %}`, `{% elif c %}`, `{% else %}`) or of `{% for %}`
/// (its body, its `{% else %}`), with the body that follows it.
struct Clause {
  Tag tag;
  std::optional<Expr> condition;  ///< if and elif
  Body body;
};

struct Node {
  enum Kind {
    kText,      ///< text, as it is
    kOutput,    ///< {{ exprs[0] }}
    kIf,        ///< clauses: if, elif..., else
    kFor,       ///< for targets in exprs[0] [if exprs[1]]: clauses[0], else clauses[1]
    kSet,       ///< set targets = exprs[0]
    kSetBlock,  ///< set targets[0] %} clauses[0] {% endset
  } kind = kText;
  std::string text;  ///< kText
  Tag tag;
  std::vector<Expr> exprs;
  std::vector<std::string> targets;
  std::vector<Clause> clauses;
};

/// The tree of a whole template (LexTemplate, then the statements); throws LocatedError naming the
/// tag (and its line when the template has several) whose form is wrong, or the statement the
/// runtime does not render.
Body ParseTemplate(std::string_view text);

// Rendering (runtime/jinja_render.cc). A template renders in bounded time and memory: a
// value it makes is at most kMaxValueBytes, and past these limits it fails with the reason.

/// range() gives at most 100,000 numbers, as Jinja's sandbox (Airflow's environment) allows.
constexpr int64_t kMaxRange = 100'000;
/// The loops of one template run at most 1,000,000 times in all.
constexpr size_t kMaxIterations = 1'000'000;
/// The rendered text is at most 16 MB.
constexpr size_t kMaxOutputBytes = size_t{16} << 20;
/// The values one rendering makes (each counted by ApproxSize) add up to at most 256 MB.
constexpr size_t kMaxWorkBytes = size_t{256} << 20;

/// The text of a parsed template rendered with `env`; throws LocatedError naming the tag that
/// cannot be rendered and why.
std::string RenderTree(const Body& body, const TemplateEnvironment& env);

}  // namespace dagport::runtime::jinja
