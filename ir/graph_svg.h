#pragma once
/// A self-contained SVG drawing of one DAG, for the HTML migration report.
///
/// The layout is a small Sugiyama one, left to right:
///   1. cycles are broken by reversing the back edges of a depth-first search (the IR may hold
///      a cycle Airflow would reject); edges naming unknown task ids are ignored;
///   2. each task's layer (column) is the longest path to it from a root, in O(V+E);
///   3. an edge spanning several columns gets a bend vertex in each column it crosses;
///   4. the order within each column comes from four barycenter sweeps (down, up, down, up),
///      ties broken by task_id, so the drawing is the same for the same DAG;
///   5. columns are centred vertically; an edge is a curve from the right side of a task to the
///      left side of its downstream task, straight through the columns it crosses. An edge that
///      closes a cycle (class `back`) runs right to left the same way; a self-loop is a small
///      loop on the task's right side.
///
/// The SVG carries its own small <style>, scoped by the `dagport-dag` class of the root, with
/// the classes `node`, `edge`, `label` and `op` (and `back`, `dynamic`, `note`), so the page that
/// embeds it can restyle it. It has no script and no external reference. Each task is a
/// `<g class="node ..." data-task="ID" transform="translate(X,Y)">` whose `<title>` holds the
/// full task_id and operator class (labels too long for the box are cut with an ellipsis).

#include <cstddef>
#include <map>
#include <string>

#include "ir/graph.h"

namespace dagport::ir {

struct SvgOptions {
  /// Extra CSS class per task_id (e.g. "container", "blocked"), added to the node's <g>.
  std::map<std::string, std::string> task_classes;
  size_t max_tasks =
      400;  ///< larger DAGs: draw nothing but a note <svg> saying how many tasks were left undrawn
};

/// The drawing of `dag` as one `<svg>` element; byte-identical for the same input.
std::string DagToSvg(const Dag& dag, const SvgOptions& options = {});

}  // namespace dagport::ir
