#include "ir/graph_svg.h"

#include "ir/xml_escape.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dagport::ir {

namespace {

// Geometry, in pixels. Integers only, so the output never depends on float formatting.
constexpr int kNodeWidth = 180;
constexpr int kNodeHeight = 44;
constexpr int kColumnGap = 56;
constexpr int kRowGap = 16;
constexpr int kMargin = 16;
constexpr int kBendHeight = 8;  ///< the slot a long edge takes in a column it crosses
constexpr int kBendGap = 4;     ///< between two such slots
/// Past this many bends in all (graphs with very many long edges), edges are drawn straight.
constexpr size_t kMaxBends = 2000;
constexpr int kLoopReach = 18;  ///< how far a self-loop's curve reaches right (< kMargin drawn)
constexpr size_t kMaxLabelChars = 22;
constexpr size_t kMaxOperatorChars = 28;
constexpr int kSweeps = 4;

constexpr std::string_view kStyle =
    ".dagport-dag{font-family:system-ui,sans-serif}"
    ".dagport-dag .node rect{fill:#f6f8fa;stroke:#57606a;stroke-width:1}"
    ".dagport-dag .node.dynamic rect{stroke-dasharray:4 3}"
    ".dagport-dag .node.container rect{fill:#ddf4ff;stroke:#0969da}"
    ".dagport-dag .node.blocked rect{fill:#ffebe9;stroke:#cf222e}"
    ".dagport-dag .label{font-size:12px;font-weight:bold;fill:#1f2328}"
    ".dagport-dag .op{font-size:11px;fill:#57606a}"
    ".dagport-dag .note{font-size:12px;fill:#57606a}"
    ".dagport-dag .edge{fill:none;stroke:#8c959f;stroke-width:1.2}"
    ".dagport-dag .edge.back{stroke-dasharray:5 3}"
    ".dagport-dag .arrow{fill:#8c959f}";

// --- Text -------------------------------------------------------------------------------------

/// At most `max_chars` code points of UTF-8 `s`, the last one an ellipsis when cut.
std::string Truncate(std::string_view s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars++ == max_chars - 1) {
      size_t rest = 0;
      for (size_t j = i; j < s.size(); ++j)
        rest += (static_cast<unsigned char>(s[j]) & 0xC0) != 0x80;
      if (rest > 1) return std::string(s.substr(0, i)) + "\u2026";
      break;
    }
  }
  return std::string(s);
}

std::string_view ShortClass(std::string_view path) {
  const size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

/// A stable id suffix per DAG, so several drawings inlined in one page do not share marker ids.
std::string IdSuffix(std::string_view dag_id) {
  uint32_t hash = 2166136261u;  // FNV-1a
  for (char c : dag_id) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  return fmt::format("{:08x}", hash);
}

// --- Layout -----------------------------------------------------------------------------------

struct Link {
  size_t from = 0;
  size_t to = 0;
  friend bool operator<(const Link& a, const Link& b) {
    return std::pair(a.from, a.to) < std::pair(b.from, b.to);
  }
  friend bool operator==(const Link&, const Link&) = default;
};

/// The vertices of the layered drawing are the tasks, [0, tasks), and after them the bends of
/// the edges that span more than one column: one bend per column crossed.
struct Layout {
  size_t tasks = 0;
  std::vector<Link> links;  ///< the DAG's edges between known tasks, deduplicated
  std::vector<bool> back;   ///< per link: it closes a cycle (a self-loop too)
  /// Per link: its vertices column by column, left to right (so a back link's starts at its
  /// downstream task); empty for a self-loop.
  std::vector<std::vector<size_t>> chains;
  std::vector<size_t> owner;                 ///< per bend (vertex - tasks): its link
  std::vector<size_t> layer;                 ///< per vertex: its column
  std::vector<size_t> row;                   ///< per vertex: its position in its column
  std::vector<std::vector<size_t>> columns;  ///< vertices, top to bottom
};

/// The edges between known task ids (the first task of a duplicated id), sorted, without repeats.
std::vector<Link> ResolveLinks(const Dag& dag) {
  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < dag.tasks.size(); ++i) index.emplace(dag.tasks[i].task_id, i);
  std::vector<Link> links;
  links.reserve(dag.edges.size());
  for (const Edge& e : dag.edges) {
    auto from = index.find(e.from);
    auto to = index.find(e.to);
    if (from != index.end() && to != index.end()) links.push_back({from->second, to->second});
  }
  std::sort(links.begin(), links.end());
  links.erase(std::unique(links.begin(), links.end()), links.end());
  return links;
}

/// Tasks without upstream first, then the others, each in task order: where the searches start.
std::vector<size_t> SearchRoots(size_t n, const std::vector<Link>& links) {
  std::vector<bool> has_upstream(n, false);
  for (const Link& l : links) has_upstream[l.to] = has_upstream[l.to] || l.from != l.to;
  std::vector<size_t> roots;
  roots.reserve(n);
  for (size_t i = 0; i < n; ++i)
    if (!has_upstream[i]) roots.push_back(i);
  for (size_t i = 0; i < n; ++i)
    if (has_upstream[i]) roots.push_back(i);
  return roots;
}

/// Per link: true when it is a back edge of an iterative depth-first search (so a self-loop
/// too). Reversing those leaves an acyclic graph.
std::vector<bool> FindBackLinks(size_t n, const std::vector<Link>& links) {
  std::vector<size_t> first(n + 1, 0);  // links are sorted by `from`: CSR offsets
  for (const Link& l : links) ++first[l.from + 1];
  for (size_t i = 0; i < n; ++i) first[i + 1] += first[i];
  enum class Mark : uint8_t { kNew, kOnStack, kDone };
  std::vector<Mark> mark(n, Mark::kNew);
  std::vector<bool> back(links.size(), false);
  std::vector<std::pair<size_t, size_t>> stack;  // task, next link to look at
  for (size_t root : SearchRoots(n, links)) {
    if (mark[root] != Mark::kNew) continue;
    mark[root] = Mark::kOnStack;
    stack.emplace_back(root, first[root]);
    while (!stack.empty()) {
      auto& [task, next] = stack.back();
      if (next == first[task + 1]) {
        mark[task] = Mark::kDone;
        stack.pop_back();
        continue;
      }
      const size_t link = next++;
      const size_t to = links[link].to;
      if (mark[to] == Mark::kOnStack) {
        back[link] = true;
      } else if (mark[to] == Mark::kNew) {
        mark[to] = Mark::kOnStack;
        stack.emplace_back(to, first[to]);
      }
    }
  }
  return back;
}

/// The acyclic links the layout works with: back links reversed, self-loops dropped.
std::vector<Link> AcyclicLinks(const Layout& layout) {
  std::vector<Link> out;
  out.reserve(layout.links.size());
  for (size_t i = 0; i < layout.links.size(); ++i) {
    const Link& l = layout.links[i];
    if (l.from == l.to) continue;
    out.push_back(layout.back[i] ? Link{l.to, l.from} : l);
  }
  return out;
}

/// Longest path from a root, by Kahn's topological order over acyclic `links`.
std::vector<size_t> AssignLayers(size_t n, const std::vector<Link>& links) {
  std::vector<std::vector<size_t>> out(n);
  std::vector<size_t> indegree(n, 0);
  for (const Link& l : links) {
    out[l.from].push_back(l.to);
    ++indegree[l.to];
  }
  std::vector<size_t> ready;
  for (size_t i = 0; i < n; ++i)
    if (indegree[i] == 0) ready.push_back(i);
  std::vector<size_t> layer(n, 0);
  while (!ready.empty()) {
    const size_t task = ready.back();
    ready.pop_back();
    for (size_t to : out[task]) {
      layer[to] = std::max(layer[to], layer[task] + 1);
      if (--indegree[to] == 0) ready.push_back(to);
    }
  }
  return layer;
}

/// How many bends AddBends would make: one per column each edge crosses.
size_t CountBends(const Layout& layout) {
  size_t bends = 0;
  for (size_t i = 0; i < layout.links.size(); ++i) {
    const size_t a = layout.layer[layout.links[i].from], b = layout.layer[layout.links[i].to];
    bends += std::max(a, b) - std::min(a, b) - (a == b ? 0 : 1);
  }
  return bends;
}

/// Chains every link through one new bend vertex per column it crosses; when that would take more
/// than kMaxBends, long edges go straight from task to task instead.
void AddBends(Layout& layout) {
  const bool bend = CountBends(layout) <= kMaxBends;
  layout.chains.assign(layout.links.size(), {});
  for (size_t i = 0; i < layout.links.size(); ++i) {
    const Link& l = layout.links[i];
    if (l.from == l.to) continue;
    const size_t left = layout.back[i] ? l.to : l.from;
    const size_t right = layout.back[i] ? l.from : l.to;
    auto& chain = layout.chains[i];
    chain.push_back(left);
    for (size_t c = layout.layer[left] + 1; bend && c < layout.layer[right]; ++c) {
      chain.push_back(layout.layer.size());
      layout.layer.push_back(c);
      layout.owner.push_back(i);
    }
    chain.push_back(right);
  }
}

/// What breaks ties in a column: a task's id, or for a bend the id of its edge's upstream task.
std::vector<std::string_view> TieBreakNames(const Dag& dag, const Layout& layout) {
  std::vector<std::string_view> names;
  names.reserve(layout.layer.size());
  for (const Task& task : dag.tasks) names.push_back(task.task_id);
  for (size_t link : layout.owner) names.push_back(dag.tasks[layout.links[link].from].task_id);
  return names;
}

/// Reorders one column by the mean row of each vertex's neighbours (its current row when it has
/// none), ties by name and then by vertex.
void SortColumn(const std::vector<std::string_view>& names,
                const std::vector<std::vector<size_t>>& neighbours, std::vector<size_t>& column,
                std::vector<size_t>& row) {
  std::vector<std::pair<double, size_t>> keyed;
  keyed.reserve(column.size());
  for (size_t v : column) {
    const auto& near = neighbours[v];
    double sum = 0;
    for (size_t other : near) sum += static_cast<double>(row[other]);
    keyed.emplace_back(
        near.empty() ? static_cast<double>(row[v]) : sum / static_cast<double>(near.size()), v);
  }
  std::sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    return std::tuple(a.first, names[a.second], a.second) <
           std::tuple(b.first, names[b.second], b.second);
  });
  for (size_t i = 0; i < column.size(); ++i) {
    column[i] = keyed[i].second;
    row[column[i]] = i;
  }
}

/// Columns ordered by name, then by alternate down and up barycenter sweeps.
void OrderColumns(const std::vector<std::string_view>& names, Layout& layout) {
  const size_t vertices = layout.layer.size();
  size_t columns = 0;
  for (size_t l : layout.layer) columns = std::max(columns, l + 1);
  layout.columns.assign(columns, {});
  for (size_t v = 0; v < vertices; ++v) layout.columns[layout.layer[v]].push_back(v);
  layout.row.assign(vertices, 0);
  for (auto& column : layout.columns) {
    std::sort(column.begin(), column.end(),
              [&](size_t a, size_t b) { return std::pair(names[a], a) < std::pair(names[b], b); });
    for (size_t i = 0; i < column.size(); ++i) layout.row[column[i]] = i;
  }
  std::vector<std::vector<size_t>> upstream(vertices), downstream(vertices);
  for (const auto& chain : layout.chains) {
    for (size_t k = 1; k < chain.size(); ++k) {
      upstream[chain[k]].push_back(chain[k - 1]);
      downstream[chain[k - 1]].push_back(chain[k]);
    }
  }
  for (int sweep = 0; sweep < kSweeps; ++sweep) {
    const bool down = sweep % 2 == 0;
    for (size_t k = 1; k < columns; ++k) {
      const size_t c = down ? k : columns - 1 - k;
      SortColumn(names, down ? upstream : downstream, layout.columns[c], layout.row);
    }
  }
}

Layout LayOut(const Dag& dag) {
  Layout layout;
  layout.tasks = dag.tasks.size();
  layout.links = ResolveLinks(dag);
  layout.back = FindBackLinks(layout.tasks, layout.links);
  layout.layer = AssignLayers(layout.tasks, AcyclicLinks(layout));
  AddBends(layout);
  OrderColumns(TieBreakNames(dag, layout), layout);
  return layout;
}

// --- Drawing ----------------------------------------------------------------------------------

struct Point {
  int x = 0;
  int y = 0;
};

int VertexHeight(const Layout& layout, size_t v) {
  return v < layout.tasks ? kNodeHeight : kBendHeight;
}

/// The space above `below` in a column: bends pack closer together than tasks.
int GapAbove(const Layout& layout, size_t above, size_t below) {
  return above >= layout.tasks && below >= layout.tasks ? kBendGap : kRowGap;
}

int ColumnHeight(const Layout& layout, const std::vector<size_t>& column) {
  int height = 0;
  for (size_t r = 0; r < column.size(); ++r) {
    height += VertexHeight(layout, column[r]);
    if (r > 0) height += GapAbove(layout, column[r - 1], column[r]);
  }
  return height;
}

/// Top-left corner of every vertex; each column is centred on the tallest, `tallest` high.
std::vector<Point> Place(const Layout& layout, int tallest) {
  std::vector<Point> at(layout.layer.size());
  for (size_t c = 0; c < layout.columns.size(); ++c) {
    const auto& column = layout.columns[c];
    const int x = kMargin + static_cast<int>(c) * (kNodeWidth + kColumnGap);
    int y = kMargin + (tallest - ColumnHeight(layout, column)) / 2;
    for (size_t r = 0; r < column.size(); ++r) {
      if (r > 0)
        y += VertexHeight(layout, column[r - 1]) + GapAbove(layout, column[r - 1], column[r]);
      at[column[r]] = {x, y};
    }
  }
  return at;
}

std::string SvgOpen(const Dag& dag, int width, int height) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dagport-dag\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" aria-label=\"DAG {2}\">\n"
      "<style>{3}</style>\n",
      width, height, EscapeXml(dag.dag_id), kStyle);
}

/// The whole drawing is one line of text: "no tasks", or why the tasks were not drawn.
std::string NoteSvg(const Dag& dag, std::string_view note) {
  const int width = 2 * kMargin + 8 * static_cast<int>(note.size());
  return SvgOpen(dag, width, 40) +
         fmt::format("<text class=\"note\" x=\"{}\" y=\"24\">{}</text>\n</svg>\n", kMargin,
                     EscapeXml(note));
}

/// Where an edge's path enters and leaves the column of one of its vertices, at height y.
struct Port {
  int enter = 0;
  int leave = 0;
  int y = 0;
};

/// Curves between columns, straight lines across the columns a long edge crosses.
void AppendPath(const std::vector<Port>& ports, std::string& out) {
  auto to = std::back_inserter(out);
  fmt::format_to(to, "M{},{}", ports[0].leave, ports[0].y);
  for (size_t k = 1; k < ports.size(); ++k) {
    const Port& a = ports[k - 1];
    const Port& b = ports[k];
    const int mid = (a.leave + b.enter) / 2;
    fmt::format_to(to, " C{},{} {},{} {},{}", mid, a.y, mid, b.y, b.enter, b.y);
    if (k + 1 < ports.size()) fmt::format_to(to, " L{},{}", b.leave, b.y);
  }
}

/// Link `i`: left to right, or right to left (dashed) when it closes a cycle.
void DrawLink(const Layout& layout, const std::vector<Point>& at, size_t i,
              const std::string& marker, std::string& out) {
  out += layout.back[i] ? "<path class=\"edge back\" d=\"" : "<path class=\"edge\" d=\"";
  if (layout.chains[i].empty()) {  // a self-loop: out of the right side and back in
    const Point& p = at[layout.links[i].from];
    const int x = p.x + kNodeWidth;
    fmt::format_to(std::back_inserter(out), "M{},{} C{},{} {},{} {},{}", x, p.y + 12,
                   x + kLoopReach, p.y + 4, x + kLoopReach, p.y + kNodeHeight - 4, x,
                   p.y + kNodeHeight - 12);
  } else {
    const bool back = layout.back[i];
    std::vector<Port> ports;
    ports.reserve(layout.chains[i].size());
    for (size_t v : layout.chains[i]) {
      const Point& p = at[v];
      const int y = p.y + VertexHeight(layout, v) / 2;
      ports.push_back(back ? Port{p.x + kNodeWidth, p.x, y} : Port{p.x, p.x + kNodeWidth, y});
    }
    if (back) std::reverse(ports.begin(), ports.end());
    AppendPath(ports, out);
  }
  fmt::format_to(std::back_inserter(out), "\" marker-end=\"url(#{})\"/>\n", marker);
}

void DrawNode(const Task& task, const Point& at, const SvgOptions& options, std::string& out) {
  out += "<g class=\"node";
  if (task.dynamic) out += " dynamic";
  if (auto extra = options.task_classes.find(task.task_id);
      extra != options.task_classes.end() && !extra->second.empty()) {
    out += ' ';
    AppendEscapedXml(extra->second, out);
  }
  out += "\" data-task=\"";
  AppendEscapedXml(task.task_id, out);
  fmt::format_to(std::back_inserter(out), "\" transform=\"translate({},{})\"><title>", at.x, at.y);
  AppendEscapedXml(task.task_id, out);
  if (!task.operator_class.empty()) {
    out += '\n';
    AppendEscapedXml(task.operator_class, out);
  }
  const std::string_view op = ShortClass(task.operator_class);
  fmt::format_to(std::back_inserter(out),
                 "</title><rect width=\"{}\" height=\"{}\" rx=\"6\"/>"
                 "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">",
                 kNodeWidth, kNodeHeight, kNodeWidth / 2, op.empty() ? 27 : 19);
  AppendEscapedXml(Truncate(task.task_id, kMaxLabelChars), out);
  out += "</text>";
  if (!op.empty()) {
    fmt::format_to(std::back_inserter(out),
                   "<text class=\"op\" x=\"{}\" y=\"35\" text-anchor=\"middle\">", kNodeWidth / 2);
    AppendEscapedXml(Truncate(op, kMaxOperatorChars), out);
    out += "</text>";
  }
  out += "</g>\n";
}

}  // namespace

std::string DagToSvg(const Dag& dag, const SvgOptions& options) {
  if (dag.tasks.empty()) return NoteSvg(dag, "no tasks");
  if (dag.tasks.size() > options.max_tasks) {
    return NoteSvg(
        dag, fmt::format("{} tasks not drawn (more than {})", dag.tasks.size(), options.max_tasks));
  }
  const Layout layout = LayOut(dag);
  int tallest = 0;
  for (const auto& column : layout.columns)
    tallest = std::max(tallest, ColumnHeight(layout, column));
  const std::vector<Point> at = Place(layout, tallest);
  const int columns = static_cast<int>(layout.columns.size());
  const int width = 2 * kMargin + columns * kNodeWidth + (columns - 1) * kColumnGap;
  const int height = 2 * kMargin + tallest;

  const std::string marker = "dagport-arrow-" + IdSuffix(dag.dag_id);
  std::string out = SvgOpen(dag, width, height);
  fmt::format_to(
      std::back_inserter(out),
      "<defs><marker id=\"{}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" "
      "markerHeight=\"8\" orient=\"auto\"><path class=\"arrow\" d=\"M0,0 L10,5 L0,10 z\"/>"
      "</marker></defs>\n<g class=\"edges\">\n",
      marker);
  for (size_t i = 0; i < layout.links.size(); ++i) DrawLink(layout, at, i, marker, out);
  out += "</g>\n<g class=\"nodes\">\n";
  for (size_t i = 0; i < dag.tasks.size(); ++i) DrawNode(dag.tasks[i], at[i], options, out);
  out += "</g>\n</svg>\n";
  return out;
}

}  // namespace dagport::ir
