#pragma once
/// A footprint path rendered for one task instance: the Jinja a path keeps ("/tmp/x_{{ ds }}")
/// is compiled once per task and rendered per run, so that date-partitioned paths clash only
/// when two runs really use the same date. Expressions it does not know are kept verbatim:
/// two tasks writing the same unknown expression are taken to write the same path.

#include <string>
#include <vector>

#include "sched/clock.h"

namespace dagport::simulator {

/// What a path may name about its task instance.
struct RenderContext {
  std::string_view dag_id;
  std::string_view task_id;
  sched::Millis logical_date = 0;
  sched::Millis interval_end = 0;
  int try_number = 1;
};

class PathTemplate {
 public:
  explicit PathTemplate(const std::string& text);
  bool templated() const {
    return parts_.size() > 1 || (!parts_.empty() && parts_[0].variable != kText);
  }
  std::string Render(const RenderContext& context) const;

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
};

}  // namespace dagport::simulator
