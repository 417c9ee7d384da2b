#pragma once
/// Drawings of one DAG: Graphviz dot and Mermaid flowcharts, with tasks labelled by id and
/// operator class, task groups as clusters/subgraphs.

#include <string>

#include "ir/graph.h"

namespace dagport::ir {

std::string DagToDot(const Dag& dag);
std::string DagToMermaid(const Dag& dag);

}  // namespace dagport::ir
