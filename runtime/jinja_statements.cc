// The statements of the local runtime's templates: the pieces of LexTemplate made into a tree of
// `{% if %}`, `{% for %}` and `{% set %}` blocks (see jinja_syntax.h), every block checked to be
// closed by its own end, as Jinja's parser does before anything is rendered.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>

#include "runtime/jinja_syntax.h"

namespace dagport::runtime::jinja {

namespace {

/// Jinja's statements (and those of its extensions) that the runtime does not render.
constexpr std::array<std::string_view, 12> kNotRendered = {
    "macro",   "call",  "filter", "include",    "import", "from",
    "extends", "block", "with",   "autoescape", "do",     "trans"};

/// What a closing tag closes: `endfor` closes `for`.
std::string_view Opened(std::string_view end) {
  return end.starts_with("end") ? end.substr(3) : end;
}

class StatementParser {
 public:
  explicit StatementParser(std::vector<Piece> pieces) : pieces_(std::move(pieces)) {}

  Body Parse() {
    Body body = ParseBody(nullptr, {});
    if (next_ < pieces_.size()) Stray(pieces_[next_]);
    return body;
  }

 private:
  /// The nodes up to one of the statements `ends` (left at next_ for the caller; the last of
  /// them is the opener's own end) or, with no `opener`, the end of the template.
  Body ParseBody(const Piece* opener, std::initializer_list<std::string_view> ends) {
    if (++depth_ > kMaxDepth)
      throw LocatedError(
          fmt::format("{} cannot be rendered: the statements are nested more than {} deep",
                      opener->tag.Where(), kMaxDepth));
    Body body;
    for (; next_ < pieces_.size(); ++next_) {
      const Piece& piece = pieces_[next_];
      if (piece.kind == Piece::kText) {
        body.push_back({Node::kText, piece.text, {}, {}, {}, {}});
        continue;
      }
      if (piece.kind == Piece::kOutput) {
        Node node{Node::kOutput, "", piece.tag, {}, {}, {}};
        Located(piece, [&](ExpressionParser& p) { node.exprs.push_back(p.Tuple()); });
        body.push_back(std::move(node));
        continue;
      }
      const std::string& keyword = Keyword(piece);
      if (std::find(ends.begin(), ends.end(), keyword) != ends.end()) {
        --depth_;
        return body;
      }
      if (keyword == "if") {
        body.push_back(ParseIf(piece));
      } else if (keyword == "for") {
        body.push_back(ParseFor(piece));
      } else if (keyword == "set") {
        body.push_back(ParseSet(piece));
      } else if (keyword.starts_with("end") || keyword == "elif" || keyword == "else") {
        if (opener == nullptr) Stray(piece);
        const bool closer = keyword.starts_with("end");
        throw LocatedError(fmt::format("{} {} {}: {{% {} %}} is expected first", piece.tag.Where(),
                                       closer ? "does not close" : "is not allowed in",
                                       opener->tag.Where(), *(ends.end() - 1)));
      } else if (std::find(kNotRendered.begin(), kNotRendered.end(), keyword) !=
                 kNotRendered.end()) {
        throw LocatedError(fmt::format(
            "{} cannot be rendered: the statement '{}' is not one the local runtime renders (it "
            "renders if, for, set and raw)",
            piece.tag.Where(), keyword));
      } else {
        throw LocatedError(fmt::format("{} cannot be rendered: '{}' is not a Jinja statement",
                                       piece.tag.Where(), keyword));
      }
    }
    if (opener != nullptr)
      throw LocatedError(fmt::format("{} is not closed: {{% {} %}} is missing", opener->tag.Where(),
                                     *(ends.end() - 1)));
    --depth_;
    return body;
  }

  Node ParseIf(const Piece& opener) {
    Node node{Node::kIf, "", opener.tag, {}, {}, {}};
    const Piece* clause = &opener;
    for (;;) {
      Clause c{clause->tag, std::nullopt, {}};
      const std::string& keyword = Keyword(*clause);
      Located(*clause, [&](ExpressionParser& p) {
        p.Next();
        if (keyword != "else") c.condition = p.Tuple(false);
      });
      ++next_;
      c.body = keyword == "else" ? ParseBody(&opener, {"endif"})
                                 : ParseBody(&opener, {"elif", "else", "endif"});
      node.clauses.push_back(std::move(c));
      clause = &pieces_[next_];
      if (Keyword(*clause) == "endif") {
        Located(*clause, [](ExpressionParser& p) { p.Next(); });
        return node;
      }
    }
  }

  Node ParseFor(const Piece& opener) {
    Node node{Node::kFor, "", opener.tag, {}, {}, {}};
    Located(opener, [&](ExpressionParser& p) {
      p.Next();
      node.targets = p.Targets();
      if (std::find(node.targets.begin(), node.targets.end(), "loop") != node.targets.end())
        throw SyntaxError("'loop' is the loop's own variable: it cannot be assigned");
      p.ExpectName("in");
      node.exprs.push_back(p.Tuple(false));
      if (p.IsName("if")) {
        p.Next();
        node.exprs.push_back(p.Expression());
      }
      if (p.IsName("recursive"))
        throw SyntaxError("a recursive loop is not one the local runtime renders");
    });
    ++next_;
    node.clauses.push_back({opener.tag, std::nullopt, ParseBody(&opener, {"else", "endfor"})});
    if (Keyword(pieces_[next_]) == "else") {
      const Piece& otherwise = pieces_[next_];
      Located(otherwise, [](ExpressionParser& p) { p.Next(); });
      ++next_;
      node.clauses.push_back({otherwise.tag, std::nullopt, ParseBody(&opener, {"endfor"})});
    }
    Located(pieces_[next_], [](ExpressionParser& p) { p.Next(); });
    return node;
  }

  Node ParseSet(const Piece& opener) {
    Node node{Node::kSet, "", opener.tag, {}, {}, {}};
    bool block = false;
    Located(opener, [&](ExpressionParser& p) {
      p.Next();
      node.targets = p.Targets();
      if (p.IsOp("."))
        throw SyntaxError("assigning to an attribute (a namespace) is not supported");
      if (p.AtEnd()) {
        if (node.targets.size() != 1) throw SyntaxError("a {% set %} block assigns one name");
        block = true;
        return;
      }
      if (p.IsOp("|")) throw SyntaxError("a filtered {% set %} block is not supported");
      p.Expect("=");
      node.exprs.push_back(p.Tuple());
    });
    if (!block) return node;
    node.kind = Node::kSetBlock;
    ++next_;
    node.clauses.push_back({opener.tag, std::nullopt, ParseBody(&opener, {"endset"})});
    Located(pieces_[next_], [](ExpressionParser& p) { p.Next(); });
    return node;
  }

  /// Reads the tag's tokens with `read`, then checks that nothing is left; a syntax error is
  /// located at the tag.
  template <typename Read>
  void Located(const Piece& piece, Read read) {
    try {
      ExpressionParser p(piece.tokens);
      read(p);
      p.ExpectEnd();
    } catch (const SyntaxError& e) {
      throw LocatedError(fmt::format("{} cannot be rendered: {}", piece.tag.Where(), e.what()));
    }
  }

  const std::string& Keyword(const Piece& piece) {
    const Token& first = piece.tokens.front();
    if (first.kind != Token::kName)
      throw LocatedError(
          fmt::format("{} cannot be rendered: a statement name is expected", piece.tag.Where()));
    return first.text;
  }

  [[noreturn]] void Stray(const Piece& piece) {
    const std::string& keyword = Keyword(piece);
    if (keyword == "elif" || keyword == "else")
      throw LocatedError(fmt::format("{} is outside any {{% if %}}{}", piece.tag.Where(),
                                     keyword == "else" ? " or {% for %}" : ""));
    throw LocatedError(fmt::format("{} closes no {{% {} %}}", piece.tag.Where(), Opened(keyword)));
  }

  std::vector<Piece> pieces_;
  size_t next_ = 0;
  int depth_ = 0;
};

}  // namespace

Body ParseTemplate(std::string_view text) {
  return StatementParser(LexTemplate(text)).Parse();
}

}  // namespace dagport::runtime::jinja
