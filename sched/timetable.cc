#include "sched/timetable.h"

#include <algorithm>

namespace dagport::sched {

namespace {

bool DayMatches(const ir::CronSchedule& c, const ir::Datetime& d, int weekday) {
  if (!c.months.test(static_cast<size_t>(d.month))) return false;
  const bool dom = c.days_of_month.test(static_cast<size_t>(d.day));
  const bool dow = c.days_of_week.test(static_cast<size_t>(weekday));
  // cron ORs the two day fields when both are restricted.
  if (!c.any_day_of_month && !c.any_day_of_week) return dom || dow;
  return dom && dow;
}

int Weekday(Millis day_start) {
  // 1970-01-01 was a Thursday (4).
  const int64_t days = day_start / kDay;
  return static_cast<int>(((days % 7) + 7 + 4) % 7);
}

Millis FloorDay(Millis t) {
  return t >= 0 ? t - t % kDay : t - ((t % kDay) + kDay) % kDay;
}

}  // namespace

std::optional<Millis> PreviousCronFire(const ir::CronSchedule& cron, Millis t) {
  // The fires of a window before t, the window doubling until it holds one: a day first, so
  // that a frequent schedule walks few fires, up to eight years for the rarest.
  for (Millis window = kDay; window <= 366 * 8 * kDay; window *= 2) {
    std::optional<Millis> last;
    for (std::optional<Millis> fire = NextCronFire(cron, t - window - 1); fire && *fire < t;
         fire = NextCronFire(cron, *fire)) {
      last = fire;
    }
    if (last) return last;
  }
  return std::nullopt;
}

std::optional<Millis> NextCronFire(const ir::CronSchedule& cron, Millis t) {
  // The candidate is the next whole minute after t.
  Millis candidate = t - ((t % kMinute) + kMinute) % kMinute + kMinute;
  Millis day = FloorDay(candidate);
  for (int i = 0; i < 366 * 8; ++i, day += kDay) {
    const ir::Datetime d = ToDatetime(day);
    if (!DayMatches(cron, d, Weekday(day))) continue;
    const Millis from = std::max(candidate, day);
    for (int h = static_cast<int>((from - day) / kHour); h < 24; ++h) {
      if (!cron.hours.test(static_cast<size_t>(h))) continue;
      const Millis hour_start = day + h * kHour;
      const int first_minute =
          from > hour_start ? static_cast<int>((from - hour_start) / kMinute) : 0;
      for (int m = first_minute; m < 60; ++m) {
        if (cron.minutes.test(static_cast<size_t>(m))) return hour_start + m * kMinute;
      }
    }
  }
  return std::nullopt;
}

std::optional<Timetable> TimetableOf(const ir::Dag& dag, std::string* error) {
  const ir::Value s = dag.Setting("schedule");
  Timetable tt;
  switch (s.kind()) {
    case ir::ValueKind::kNone:
      tt.kind = ScheduleKind::kNone;
      tt.text = "None";
      return tt;
    case ir::ValueKind::kTimedelta:
      tt.kind = ScheduleKind::kDelta;
      tt.delta = s.timedelta_microseconds() / 1000;
      tt.text = s.ToPython();
      if (tt.delta <= 0) {
        *error = "the schedule is not a positive timedelta";
        return std::nullopt;
      }
      return tt;
    case ir::ValueKind::kCron:
    case ir::ValueKind::kString: {
      tt.text = s.as_text();
      if (tt.text == "@once") {
        tt.kind = ScheduleKind::kOnce;
        return tt;
      }
      if (tt.text == "@continuous") {
        tt.kind = ScheduleKind::kContinuous;
        return tt;
      }
      std::string why;
      auto cron = ir::ParseCron(ir::ExpandCronPreset(tt.text), &why);
      if (!cron) {
        *error = "the schedule '" + tt.text + "' is not a cron expression: " + why;
        return std::nullopt;
      }
      tt.kind = ScheduleKind::kCron;
      tt.cron = *cron;
      return tt;
    }
    default:
      *error = "the schedule is not known statically (" + s.ToPython() + ")";
      return std::nullopt;
  }
}

std::vector<RunInterval> RunsIn(const Timetable& tt, const RunWindow& w) {
  std::vector<RunInterval> all;
  // An unknown start_date (days_ago(1), datetime.now()) means the DAG is already running.
  const Millis start = w.start_date.value_or(
      tt.kind == ScheduleKind::kOnce || tt.kind == ScheduleKind::kContinuous ? w.from
                                                                             : w.from - 400 * kDay);
  const Millis to = w.end_date ? std::min(w.to, *w.end_date + 1) : w.to;
  // Runs created before the horizon are taken only when the DAG is switched on at `from`.
  auto keep = [&](const RunInterval& r) { return r.run_after >= w.from && r.run_after < w.to; };
  switch (tt.kind) {
    case ScheduleKind::kNone: return {};
    case ScheduleKind::kContinuous:
      // Always running: the first run of the horizon starts at its start (or at start_date).
      if (std::max(start, w.from) < to)
        all.push_back({std::max(start, w.from), std::max(start, w.from)});
      return all;
    case ScheduleKind::kOnce: {
      RunInterval r{start, std::max(start, w.from)};
      if (w.switched_on_at_from || (start >= w.from && start < to)) {
        if (r.run_after < w.to) all.push_back(r);
      }
      return all;
    }
    case ScheduleKind::kDelta:
    case ScheduleKind::kCron: break;
  }
  std::vector<RunInterval> missed;  // run_after before the horizon (catch-up candidates)
  // Without a known start_date (days_ago(n)) the missed intervals cannot be counted: take the
  // latest only, as catchup=False would.
  const bool catchup = w.catchup && w.start_date.has_value();
  auto add = [&](RunInterval r) {
    if (r.run_after < w.from) {
      if (w.switched_on_at_from) {
        missed.push_back(r);
        if (missed.size() > w.max_catchup_runs) missed.erase(missed.begin());
      }
    } else if (keep(r) && r.logical_date < to) {
      all.push_back(r);
    }
  };
  // Where to begin walking: at start_date, or (steady state, long-running DAG) just before the
  // horizon so that years of history are not walked.
  Millis logical = start;
  const Millis earliest = w.switched_on_at_from ? start : std::max(start, w.from - 400 * kDay);
  if (tt.kind == ScheduleKind::kDelta) {
    if (logical < earliest) logical += (earliest - logical) / tt.delta * tt.delta;
    if (w.switched_on_at_from && catchup && w.from > logical) {
      // Only the last max_catchup_runs intervals can be kept: jump there directly.
      const int64_t n = (w.from - logical) / tt.delta;
      const int64_t skip = n - static_cast<int64_t>(w.max_catchup_runs) - 1;
      if (skip > 0) logical += skip * tt.delta;
    } else if (w.switched_on_at_from && !catchup) {
      // DeltaDataIntervalTimetable._skip_to_latest (Airflow >= 2.8): the latest interval ends at
      // `from` floored to a multiple of the delta since the epoch, not on start_date's grid.
      const Millis rounded = w.from - ((w.from % tt.delta) + tt.delta) % tt.delta;
      logical = std::max(logical, rounded - tt.delta);
    }
    for (; logical + tt.delta < w.to && logical < to; logical += tt.delta)
      add({logical, logical + tt.delta});
  } else {
    // The first logical date is the first fire at or after start_date.
    std::optional<Millis> fire = NextCronFire(tt.cron, std::max(start, earliest) - 1);
    while (fire && *fire < to) {
      std::optional<Millis> next = NextCronFire(tt.cron, *fire);
      if (!next || *next >= w.to) break;
      add({*fire, *next});
      fire = next;
    }
  }
  if (!missed.empty()) {
    if (!catchup) {
      // Only the latest complete interval runs; when one ends exactly at `from`, it is that one
      // (_skip_to_latest on an interval boundary), and none before it.
      if (!all.empty() && all.front().run_after == w.from) {
        missed.clear();
      } else {
        missed.erase(missed.begin(), missed.end() - 1);
      }
    }
    for (RunInterval& r : missed) r.run_after = w.from;
    all.insert(all.begin(), missed.begin(), missed.end());
  }
  return all;
}

}  // namespace dagport::sched
