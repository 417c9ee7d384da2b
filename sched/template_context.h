#pragma once
/// Airflow's template context for the text a task writes ("/tmp/x_{{ ds }}", a bash_command):
/// compiled once per task and rendered per run. The simulator renders footprint paths with it,
/// so that date-partitioned paths clash only when two runs really use the same date (an unknown
/// expression is kept verbatim: two tasks writing the same one are taken to write the same
/// path); the runtime renders commands, and refuses a task whose template it does not know.

#include <optional>
#include <string>
#include <vector>

#include "sched/clock.h"

namespace dagport::sched {

/// What a path may name about its task instance.
struct TemplateContext {
  std::string_view dag_id;
  std::string_view task_id;
  Millis logical_date = 0;
  Millis interval_end = 0;
  int try_number = 1;
  std::string run_id;  ///< empty: the scheduled run id of logical_date
  /// data_interval_start; unset: the logical date (a scheduled run's).
  std::optional<Millis> interval_start;
  /// prev_execution_date (prev_ds) and next_execution_date (next_ds); unset: the day before,
  /// and the interval's end. A manual run has its logical date for both, as in Airflow.
  std::optional<Millis> prev_logical, next_logical;
};

class PathTemplate {
 public:
  explicit PathTemplate(const std::string& text);
  bool templated() const {
    return parts_.size() > 1 || (!parts_.empty() && parts_[0].variable != kText);
  }
  std::string Render(const TemplateContext& context) const;
  /// The `{{ ... }}` expressions this renderer does not know (kept verbatim by Render).
  const std::vector<std::string>& unknown() const { return unknown_; }

 private:
  enum Variable {
    kText,
    kDs,
    kDsNodash,
    kTs,
    kTsNodash,
    kLogicalDate,
    kNextDs,
    kPrevDs,
    kRunId,
    kDagId,
    kTaskId,
    kTryNumber,
    kDsAdd,  ///< macros.ds_add(ds, n)
    kIntervalEnd,
    kNextDsNodash,
    kPrevDsNodash,
    kTomorrowDs,
  };
  struct Part {
    Variable variable = kText;
    std::string text;  ///< literal text, or the expression for kText fallbacks
    int days = 0;      ///< kDsAdd
  };
  std::vector<Part> parts_;
  std::vector<std::string> unknown_;
};

}  // namespace dagport::sched
