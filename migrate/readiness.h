#pragma once
/// Per DAG: how far it is from running on Airflow 2 (ready / review / blocked) and why, from
/// the inspection's and the conversion's findings for its lines, its file's conversion status,
/// and the conflicts the simulation still sees once it is converted.

#include "migrate/migration.h"

namespace dagport::migrate {

/// Fills `m.dags`, `m.shared_files`, and adds every inspection and conversion finding to
/// `m.diagnostics` (each once). Needs `m.legacy`, `m.conversion` and `m.scenarios`.
void JudgeDags(Migration& m);

}  // namespace dagport::migrate
