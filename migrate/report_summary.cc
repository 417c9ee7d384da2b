// Totals, and the short summary `dagport migrate` prints on a terminal.
#include <fmt/format.h>

#include "migrate/report.h"
#include "migrate/scenarios.h"
#include "simulator/report_render.h"

namespace dagport::migrate {

ReadinessTotals TotalsOf(const Migration& m) {
  ReadinessTotals t;
  for (const DagReport& d : m.dags) {
    ++t.dags;
    t.tasks += d.tasks;
    t.container_tasks += d.container_tasks.size();
    switch (d.readiness) {
      case Readiness::kReady: ++t.ready; break;
      case Readiness::kReview: ++t.review; break;
      case Readiness::kBlocked: ++t.blocked; break;
    }
  }
  return t;
}

std::string RenderSummary(const Migration& m) {
  const ReadinessTotals t = TotalsOf(m);
  std::string out = fmt::format(
      "{} DAGs, {} tasks: {} ready, {} to review, {} blocked; {} tasks became container tasks "
      "in {} environments\n",
      t.dags, t.tasks, t.ready, t.review, t.blocked, t.container_tasks,
      m.conversion.container_plan.environments.size());
  out += fmt::format("{:<46} {:>9} {:>12} {:>12} {:>8} {:>12}\n", "scenario", "conflicts",
                     "wait p95", "span p50", "workers", "cost/day");
  for (const Scenario& s : m.scenarios) {
    const auto& r = s.report;
    out += fmt::format("{:<46} {:>9} {:>12} {:>12} {:>8} {:>12}\n", s.title,
                       r.conflict_groups.size(), simulator::HumanDuration(r.wait_p95_s),
                       simulator::HumanDuration(r.horizon_makespan_p50_s),
                       r.executor == "celery" ? fmt::format("{}", r.peak_workers) : "-",
                       Money(s.cost_per_day, r.currency));
  }
  for (const std::string& change : m.changes) out += "- " + change + "\n";
  return out;
}

}  // namespace dagport::migrate
