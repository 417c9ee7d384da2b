// The self-contained HTML report: summary, conflict table, per-day table, a utilisation chart and
// a Gantt chart per host (per DAG when every task runs alone), all inline SVG and CSS: it opens
// in a browser with no network.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "ir/xml_escape.h"
#include "simulator/report_render.h"

namespace dagport::simulator {

namespace {

/// Bars drawn at most; the rest are counted in a note (a browser stays responsive).
constexpr size_t kMaxBars = 20000;

std::string Escape(const std::string& s) {
  return ir::EscapeXml(s);
}

std::string Colour(const std::string& key) {
  uint32_t h = 2166136261u;
  for (char c : key) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return fmt::format("hsl({},55%,58%)", h % 360);
}

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d232a}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
table{border-collapse:collapse;margin:4px 0}th,td{padding:4px 8px;border-bottom:1px solid #e3e6ea;
text-align:left;vertical-align:top}th{background:#f5f7f9}td.n{text-align:right}
.muted{color:#67707a}.bad{color:#b42318;font-weight:600}.ok{color:#067647;font-weight:600}
.chart{overflow-x:auto;border:1px solid #e3e6ea;padding:4px;background:#fff}
code{background:#f2f4f6;padding:1px 4px;border-radius:3px}
)";

}  // namespace

std::string RenderHtml(const SimulationReport& rep, const Workload& w, const SimulationResult& r) {
  std::string out;
  auto add = [&](const std::string& s) { out += s; };
  add("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
  add("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
  add("<title>dagport simulation</title><style>");
  add(kStyle);
  add("</style></head><body>\n");
  add(fmt::format("<h1>dagport simulation: {} executor{}</h1>\n", Escape(rep.executor),
                  rep.mwaa_class.empty() ? "" : " (MWAA " + Escape(rep.mwaa_class) + ")"));
  add(fmt::format(
      "<p class=\"muted\">{} to {} &middot; {} DAGs, {} scheduled runs, {} task instances &middot; "
      "seed {}, {} replay{}</p>\n",
      sched::FormatIso(rep.start), sched::FormatIso(rep.end), rep.dags, rep.scheduled_runs,
      rep.task_instances, rep.seed, rep.replays, rep.replays == 1 ? "" : "s"));

  // Conflicts.
  add("<h2 id=\"conflicts\">Shared-state conflicts</h2>\n");
  if (rep.conflicts.empty()) {
    add("<p class=\"ok\">None: no two task instances touched the same path on the same host at "
        "the same time.</p>\n");
  } else {
    add(fmt::format("<p class=\"bad\">{} conflict{}</p>\n", rep.conflicts.size(),
                    rep.conflicts.size() == 1 ? "" : "s"));
    add("<table><tr><th>probability</th><th>resource</th><th>task instances</th><th>host</th>"
        "<th>overlap</th><th>fix</th></tr>\n");
    for (const ConflictSummary& c : rep.conflicts) {
      add(fmt::format(
          "<tr><td class=\"n\">{:.1f}%</td><td><code>{}</code>{}</td><td>{} ({})<br>{} ({})</td>"
          "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
          c.probability * 100, Escape(c.resource),
          c.possible ? " <span class=\"muted\">(path not fully known)</span>" : "", Escape(c.first),
          Escape(c.first_mode), Escape(c.second), Escape(c.second_mode), Escape(c.host),
          HumanDuration(static_cast<double>(c.to - c.from) / 1000.0), Escape(c.fix)));
    }
    add("</table>\n");
  }

  // Days.
  add("<h2>Per day</h2>\n<table><tr><th>day</th><th>runs</th><th>tries</th><th>makespan p50</th>"
      "<th>makespan max</th><th>wait p50</th><th>wait p95</th><th>wait p99</th>"
      "<th>utilisation</th><th>peak running</th><th>SLA misses</th></tr>\n");
  for (const DaySummary& d : rep.days) {
    add(fmt::format(
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
        "class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
        "class=\"n\">{}</td></tr>\n",
        sched::FormatDs(d.day), d.runs, d.attempts, HumanDuration(d.makespan_p50_s),
        HumanDuration(d.makespan_max_s), HumanDuration(d.wait_p50_s), HumanDuration(d.wait_p95_s),
        HumanDuration(d.wait_p99_s),
        d.bounded ? fmt::format("{:.0f}%", d.utilisation * 100) : "&ndash;", d.peak_running,
        d.sla_misses));
  }
  add("</table>\n");
  std::string cost;
  if (rep.executor == "ecs") {
    cost = fmt::format("Fargate {:.2f} {}", rep.fargate_cost, Escape(rep.currency));
  } else if (!rep.mwaa_class.empty()) {
    cost = fmt::format(
        "MWAA environment {}, additional workers {}",
        rep.mwaa_environment_cost
            ? fmt::format("{:.2f} {}", *rep.mwaa_environment_cost, Escape(rep.currency))
            : "unknown",
        rep.mwaa_worker_cost ? fmt::format("{:.2f} {}", *rep.mwaa_worker_cost, Escape(rep.currency))
                             : "unknown");
  }
  add(fmt::format(
      "<p>Queue wait p50 {}, p95 {}, p99 {}{}{}</p>\n", HumanDuration(rep.wait_p50_s),
      HumanDuration(rep.wait_p95_s), HumanDuration(rep.wait_p99_s),
      rep.executor == "celery" ? fmt::format(" &middot; peak workers {}, {:.1f} worker-hours",
                                             rep.peak_workers, rep.worker_hours)
                               : "",
      cost.empty() ? ""
                   : " &middot; cost: " + cost + " <span class=\"muted\">(prices as of " +
                         Escape(rep.prices_as_of) + ")</span>"));

  // Utilisation chart.
  add("<h2>Running tasks over time</h2>\n<div class=\"chart\">");
  {
    const size_t n = rep.utilisation.size();
    const double bucket_s = static_cast<double>(rep.bucket) / 1000.0;
    double top = 1;
    for (const UtilisationBucket& u : rep.utilisation) {
      top = std::max({top, u.busy_slot_seconds / bucket_s, u.capacity_slot_seconds / bucket_s,
                      static_cast<double>(u.peak_running)});
    }
    const int width = std::max<int>(600, static_cast<int>(n) * 3), height = 160;
    add(
        fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
                    "role=\"img\" aria-label=\"running tasks and capacity over time\">",
                    width + 60, height + 30));
    std::string busy, capacity;
    for (size_t i = 0; i < n; ++i) {
      const double x = 50 + static_cast<double>(i) * width / std::max<size_t>(1, n);
      const double yb = height - rep.utilisation[i].busy_slot_seconds / bucket_s / top * height;
      const double yc = height - rep.utilisation[i].capacity_slot_seconds / bucket_s / top * height;
      busy += fmt::format("{:.1f},{:.1f} ", x, yb + 5);
      capacity += fmt::format("{:.1f},{:.1f} ", x, yc + 5);
    }
    add(fmt::format("<line x1=\"50\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#999\"/>",
                    height + 5, width + 50));
    add(
        fmt::format("<text x=\"4\" y=\"14\" font-size=\"11\">{:.0f}</text><text x=\"4\" "
                    "y=\"{}\" font-size=\"11\">0</text>",
                    top, height + 5));
    if (rep.executor == "celery" || rep.executor == "local")
      add(
          fmt::format("<polyline fill=\"none\" stroke=\"#98a2b3\" stroke-dasharray=\"4 3\" "
                      "points=\"{}\"><title>slots</title></polyline>",
                      capacity));
    add(
        fmt::format("<polyline fill=\"none\" stroke=\"#1570ef\" stroke-width=\"1.5\" "
                    "points=\"{}\"><title>running tasks (mean per bucket)</title></polyline>",
                    busy));
    add(
        fmt::format("<text x=\"50\" y=\"{}\" font-size=\"11\">{}</text><text x=\"{}\" y=\"{}\" "
                    "font-size=\"11\" text-anchor=\"end\">{}</text>",
                    height + 22, sched::FormatIso(rep.start), width + 50, height + 22,
                    sched::FormatIso(rep.start + static_cast<sched::Millis>(n) * rep.bucket)));
    add("</svg></div>\n<p class=\"muted\">Blue: running tasks (mean per " +
        HumanDuration(bucket_s) + "); dashed: executor slots.</p>\n");
  }

  // Gantt chart: one row per host (Celery, local) or per DAG (isolated executors).
  add("<h2>Gantt chart</h2>\n");
  std::set<uint32_t> in_conflict;
  for (const ConflictRecord& c : r.conflicts) {
    in_conflict.insert(c.first);
    in_conflict.insert(c.second);
  }
  std::map<std::string, std::vector<uint32_t>> rows;
  size_t drawn = 0, skipped = 0;
  sched::Millis t0 = -1, t1 = 0;
  for (uint32_t i = 0; i < r.attempts.size(); ++i) {
    const AttemptRecord& a = r.attempts[i];
    if (a.start < 0 || a.end <= a.start || a.no_executor) continue;
    if (drawn >= kMaxBars) {
      ++skipped;
      continue;
    }
    ++drawn;
    const std::string row =
        a.host == kIsolatedHost ? w.dags[r.runs[r.tis[a.ti].run].dag].plan.dag_id : r.hosts[a.host];
    rows[row].push_back(i);
    if (t0 < 0 || a.start < t0) t0 = a.start;
    t1 = std::max(t1, a.end);
  }
  if (rows.empty()) {
    add("<p class=\"muted\">No task ran.</p>\n");
  } else {
    // Rows need lanes where bars overlap (several slots of one worker).
    const double span = std::max<double>(1.0, static_cast<double>(t1 - t0));
    const int width = 1100, label = 170, lane_h = 9;
    std::string body;
    int y = 0;
    for (auto& [name, bars] : rows) {
      std::sort(bars.begin(), bars.end(),
                [&](uint32_t a, uint32_t b) { return r.attempts[a].start < r.attempts[b].start; });
      std::vector<sched::Millis> lane_end;
      std::string row_svg;
      for (uint32_t i : bars) {
        const AttemptRecord& a = r.attempts[i];
        size_t lane = 0;
        while (lane < lane_end.size() && lane_end[lane] > a.start) ++lane;
        if (lane == lane_end.size()) lane_end.push_back(0);
        lane_end[lane] = a.end;
        const double x = label + static_cast<double>(a.start - t0) / span * width;
        const double wd = std::max(1.0, static_cast<double>(a.end - a.start) / span * width);
        const TaskInstanceRecord& ti = r.tis[a.ti];
        const std::string& dag = w.dags[r.runs[ti.run].dag].plan.dag_id;
        const bool bad = in_conflict.count(i) > 0;
        row_svg += fmt::format(
            "<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"{}><title>{} "
            "try {} {} {} &rarr; {}{}</title></rect>",
            x, y + static_cast<int>(lane) * lane_h + 2, wd, lane_h - 2, Colour(dag),
            bad ? " stroke=\"#b42318\" stroke-width=\"2\"" : "", Escape(InstanceName(w, r, a.ti)),
            a.try_number, Escape(std::string(sched::TiStateName(a.outcome))),
            sched::FormatIso(a.start), sched::FormatIso(a.end), bad ? " (conflict)" : "");
      }
      const int h = static_cast<int>(std::max<size_t>(1, lane_end.size())) * lane_h + 4;
      body += fmt::format("<text x=\"0\" y=\"{}\" font-size=\"11\">{}</text>", y + 10,
                          Escape(name.size() > 26 ? name.substr(0, 25) + "…" : name));
      body += row_svg;
      body += fmt::format("<line x1=\"0\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#eee\"/>",
                          y + h, label + width);
      y += h;
    }
    add(
        fmt::format("<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
                    "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"Gantt chart\">{}"
                    "<text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text><text x=\"{}\" y=\"{}\" "
                    "font-size=\"11\" text-anchor=\"end\">{}</text></svg></div>\n",
                    label + width + 10, y + 24, body, label, y + 16, sched::FormatIso(t0),
                    label + width, y + 16, sched::FormatIso(t1)));
    add("<p class=\"muted\">One bar per try, coloured by DAG; a red outline marks a try in a "
        "shared-state conflict. Hover a bar for its task instance.");
    if (skipped > 0) add(fmt::format(" {} further tries are not drawn.", skipped));
    add("</p>\n");
  }
  if (!rep.sla_misses.empty()) {
    add(fmt::format("<h2>SLA misses ({})</h2>\n<ul>", rep.sla_misses.size()));
    for (size_t i = 0; i < rep.sla_misses.size() && i < 200; ++i)
      add("<li>" + Escape(rep.sla_misses[i]) + "</li>");
    add("</ul>\n");
  }
  add(fmt::format("<p class=\"muted\">Generated by dagport {}. Prices: {}</p>\n", DAGPORT_VERSION,
                  Escape(rep.prices_source)));
  add("</body></html>\n");
  return out;
}

}  // namespace dagport::simulator
