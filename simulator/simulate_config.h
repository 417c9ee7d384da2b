#pragma once
/// The "simulate" section of dagport.json: what the simulation cannot read from the DAG files.
///
///   "simulate": {
///     "pools": {"redshift": 4},
///     "global_resources": ["/mnt/efs/", "warehouse.public.prices"],
///     "footprints": {"dag_id.task_id": [{"path": "s3://b/{{ ds }}/x", "mode": "write",
///                                        "global": true}]}
///   }

#include <map>
#include <string>
#include <vector>

#include "simulator/workload.h"

namespace dagport::simulator {

struct SimulateConfig {
  std::map<std::string, int> pools;
  std::vector<std::string> global_resources;
  std::vector<ExtraAccess> footprints;
};

/// Reads the section from the text of a dagport.json (no section: empty). Throws
/// std::runtime_error("LINE:COLUMN: what") on a mistake.
SimulateConfig ParseSimulateConfig(const std::string& json_text);

/// "LINE:COLUMN" of byte `offset` in `text`.
std::string JsonPosition(const std::string& text, size_t offset);
/// "LINE:COLUMN" of the first `"key"` in `text` (1:1 when absent), for messages about a member.
std::string JsonKeyPosition(const std::string& text, const std::string& key);

}  // namespace dagport::simulator
