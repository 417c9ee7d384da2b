#pragma once
// What the tests of the local runtime's templates share: a template that must render, or must
// fail, and the environment of the statement and expression tests.
#include <gtest/gtest.h>

#include <string>

#include "runtime/jinja_template.h"

namespace dagport::runtime {

/// What `text` renders to with `env`; fails the test (and returns the reason) when it cannot.
inline std::string RenderOk(const std::string& text, const TemplateEnvironment& env) {
  std::string why;
  const std::optional<std::string> out = RenderTemplate(text, env, &why);
  EXPECT_TRUE(out.has_value()) << text << ": " << why;
  return out.value_or("<error: " + why + ">");
}

/// Why `text` cannot be rendered with `env`; fails the test when it renders.
inline std::string RenderError(const std::string& text, const TemplateEnvironment& env) {
  std::string why;
  const std::optional<std::string> out = RenderTemplate(text, env, &why);
  EXPECT_FALSE(out.has_value()) << text << " rendered as " << out.value_or("");
  return why;
}

/// DAG etl, task load, 2025-01-02, params of every kind, and no user_defined_macros.
inline TemplateEnvironment ParamsEnvironment() {
  TemplateEnvironment env;
  env.context.dag_id = "etl";
  env.context.task_id = "load";
  sched::ParseIsoDate("2025-01-02", &env.context.logical_date);
  env.context.interval_end = env.context.logical_date + sched::kDay;
  env.params = nlohmann::ordered_json::parse(R"({
      "table": "orders", "limit": 10, "regions": ["eu", "us"], "cfg": {"b": 2, "a": 1},
      "empty": "", "none": null, "zero": 0, "names": ["b", "A", "c", "a"],
      "rows": [{"n": "x", "v": 2}, {"n": "y", "v": 1}]})");
  env.knows_all_names = true;
  return env;
}

}  // namespace dagport::runtime
