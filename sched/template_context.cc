#include "sched/template_context.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <regex>
#include <utility>

namespace dagport::sched {

namespace {

/// macros.ds_add's largest shift the renderer takes: about 10,000 years.
constexpr int kMaxDsAddDays = 3'660'000;

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

std::string Nodash(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '-' && c != ':') out += c;
  return out;
}

}  // namespace

PathTemplate::PathTemplate(const std::string& text) {
  static const std::array<std::pair<std::string_view, Variable>, 24> kNames = {{
      {"data_interval_end", kIntervalEnd},
      {"next_execution_date", kIntervalEnd},
      {"next_ds_nodash", kNextDsNodash},
      {"prev_ds_nodash", kPrevDsNodash},
      {"tomorrow_ds", kTomorrowDs},
      {"ds", kDs},
      {"ds_nodash", kDsNodash},
      {"ts", kTs},
      {"ts_nodash", kTsNodash},
      {"execution_date", kLogicalDate},
      {"logical_date", kLogicalDate},
      {"data_interval_start", kLogicalDate},
      {"next_ds", kNextDs},
      {"prev_ds", kPrevDs},
      {"yesterday_ds", kPrevDs},
      {"run_id", kRunId},
      {"dag_run.run_id", kRunId},
      {"dag.dag_id", kDagId},
      {"dag_run.dag_id", kDagId},
      {"ti.dag_id", kDagId},
      {"task.task_id", kTaskId},
      {"ti.task_id", kTaskId},
      {"task_instance.task_id", kTaskId},
      {"ti.try_number", kTryNumber},
  }};
  static const std::regex kDsAddPattern(R"(macros\.ds_add\(\s*ds\s*,\s*(-?\d+)\s*\))");
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find("{{", at);
    const size_t close = open == std::string::npos ? std::string::npos : text.find("}}", open);
    if (close == std::string::npos) {
      parts_.push_back({kText, text.substr(at)});
      break;
    }
    if (open > at) parts_.push_back({kText, text.substr(at, open - at)});
    const std::string expression = Trim(std::string_view(text).substr(open + 2, close - open - 2));
    Part part{kText, text.substr(open, close + 2 - open)};
    for (const auto& [name, variable] : kNames) {
      if (expression == name) part = {variable, ""};
    }
    std::smatch m;
    if (part.variable == kText && std::regex_match(expression, m, kDsAddPattern)) {
      // Days beyond the years 1 to 9999 are an error in Airflow: kept verbatim, as unknown
      // (atoi's overflow was undefined, and the date's would be).
      const std::string digits = m[1].str();
      int days = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), days);
      if (ec == std::errc() && end == digits.data() + digits.size() &&
          std::abs(days) <= kMaxDsAddDays)
        part = {kDsAdd, "", days};
    }
    if (part.variable == kText) unknown_.push_back(part.text);
    parts_.push_back(std::move(part));
    at = close + 2;
  }
}

std::string PathTemplate::Render(const TemplateContext& c) const {
  std::string out;
  for (const Part& p : parts_) {
    switch (p.variable) {
      case kText: out += p.text; break;
      case kDs: out += FormatDs(c.logical_date); break;
      case kDsNodash: out += Nodash(FormatDs(c.logical_date)); break;
      case kTs: out += FormatIso(c.logical_date) + "+00:00"; break;
      case kTsNodash: out += Nodash(FormatIso(c.logical_date)); break;
      case kLogicalDate: out += FormatIso(c.logical_date) + "+00:00"; break;
      case kNextDs: out += FormatDs(c.interval_end); break;
      case kPrevDs: out += FormatDs(c.logical_date - kDay); break;
      case kRunId: out += c.run_id.empty() ? ScheduledRunId(c.logical_date) : c.run_id; break;
      case kDagId: out += c.dag_id; break;
      case kTaskId: out += c.task_id; break;
      case kTryNumber: out += std::to_string(c.try_number); break;
      case kDsAdd: out += FormatDs(c.logical_date + p.days * kDay); break;
      case kIntervalEnd: out += FormatIso(c.interval_end) + "+00:00"; break;
      case kNextDsNodash: out += Nodash(FormatDs(c.interval_end)); break;
      case kPrevDsNodash: out += Nodash(FormatDs(c.logical_date - kDay)); break;
      case kTomorrowDs: out += FormatDs(c.logical_date + kDay); break;
    }
  }
  return out;
}

}  // namespace dagport::sched
