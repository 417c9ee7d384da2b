// The local runtime's Jinja renderer against what Airflow 2 renders for the same templates.
#include "runtime/jinja_template.h"

#include <gtest/gtest.h>

#include "tests/runtime/jinja_test_support.h"

#include <map>

namespace dagport::runtime {
namespace {

TemplateEnvironment Env() {
  TemplateEnvironment env;
  env.context.dag_id = "etl";
  env.context.task_id = "load";
  sched::ParseIsoDate("2025-01-02", &env.context.logical_date);
  env.context.interval_end = env.context.logical_date + sched::kDay;
  env.context.try_number = 2;
  env.context.run_id = "manual__2025-01-02T00:00:00+00:00";
  env.params = {{"table", "orders"}, {"limit", 10}, {"regions", {"eu", "us"}}};
  env.variable = [](const std::string& name) -> std::optional<std::string> {
    static const std::map<std::string, std::string> vars = {
        {"bucket", "s3://data"}, {"cfg", R"({"region": "eu-west-1", "n": 3})"}};
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  env.xcom = [](const std::string& task_id, const std::string& key) -> std::optional<std::string> {
    if (task_id == "extract" && key == "return_value") return R"({"rows": 42, "file": "a.csv"})";
    if (task_id == "count" && key == "return_value") return "7";
    if (task_id == "extract" && key == "path") return R"("/tmp/x")";
    return std::nullopt;
  };
  return env;
}

std::string Render(const std::string& text) {
  return RenderOk(text, Env());
}
std::string Error(const std::string& text) {
  return RenderError(text, Env());
}

TEST(JinjaTemplate, DatesOfTheContext) {
  EXPECT_EQ(Render("{{ ds }} {{ ds_nodash }} {{ ts }}"),
            "2025-01-02 20250102 2025-01-02T00:00:00+00:00");
  EXPECT_EQ(Render("{{ ts_nodash }}|{{ prev_ds }}|{{ next_ds }}|{{ tomorrow_ds }}"),
            "20250102T000000|2025-01-01|2025-01-03|2025-01-03");
  EXPECT_EQ(Render("{{ execution_date.strftime('%Y/%m/%d %H') }}"), "2025/01/02 00");
  EXPECT_EQ(Render("{{ logical_date }}"), "2025-01-02T00:00:00+00:00");
  EXPECT_EQ(Render("{{ logical_date.year }}-{{ data_interval_end.day }}"), "2025-3");
  EXPECT_EQ(Render("{{ logical_date.add(days=-1).strftime('%d') }}"), "01");
  EXPECT_EQ(Render("{{ run_id }} {{ dag.dag_id }}.{{ task.task_id }} {{ ti.try_number }}"),
            "manual__2025-01-02T00:00:00+00:00 etl.load 2");
}

TEST(JinjaTemplate, Macros) {
  EXPECT_EQ(Render("{{ macros.ds_add(ds, -7) }}"), "2024-12-26");
  EXPECT_EQ(Render("{{ macros.ds_add(ds, 30) }}"), "2025-02-01");
  EXPECT_EQ(Render("{{ macros.ds_format(ds, '%Y-%m-%d', '%d/%m/%Y') }}"), "02/01/2025");
  EXPECT_NE(Error("{{ macros.random() }}").find("macros.random"), std::string::npos);
}

TEST(JinjaTemplate, ParamsVariablesAndXcom) {
  EXPECT_EQ(Render("select * from {{ params.table }} limit {{ params['limit'] }}"),
            "select * from orders limit 10");
  EXPECT_EQ(Render("{{ params.regions | join(',') }} {{ params.regions[1] }}"), "eu,us us");
  EXPECT_EQ(Render("{{ var.value.bucket }}/{{ var.json.cfg.region }}"), "s3://data/eu-west-1");
  EXPECT_EQ(Render("{{ var.value.get('missing', 'fallback') }}"), "fallback");
  EXPECT_NE(Error("{{ var.value.missing }}").find("AIRFLOW_VAR_MISSING"), std::string::npos);
  EXPECT_EQ(Render("{{ ti.xcom_pull(task_ids='extract')['rows'] }}"), "42");
  EXPECT_EQ(Render("{{ ti.xcom_pull(task_ids='extract', key='path') }}"), "/tmp/x");
  EXPECT_EQ(Render("{{ task_instance.xcom_pull('count') + 1 }}"), "8");
  EXPECT_EQ(Render("{{ ti.xcom_pull(task_ids=['count', 'nothing']) }}"), "[7, None]");
  EXPECT_EQ(Render("{{ ti.xcom_pull(task_ids='extract') }}"), "{'rows': 42, 'file': 'a.csv'}");
  EXPECT_EQ(Render("{{ dag_run.conf.get('date', ds) }}"), "2025-01-02");
}

TEST(JinjaTemplate, ExpressionsAndFilters) {
  EXPECT_EQ(Render("{{ 'a' ~ ds_nodash ~ '.csv' }}"), "a20250102.csv");
  EXPECT_EQ(Render("{{ params.table | upper }} {{ 'X' | lower }}"), "ORDERS x");
  EXPECT_EQ(Render("{{ params.nothing | default('none given') }}"), "none given");
  EXPECT_EQ(Render("{{ params.limit * 2 + 1 }} {{ 7 // 2 }} {{ 7 / 2 }}"), "21 3 3.5");
  EXPECT_EQ(Render("{{ 'full' if params.limit > 5 else 'sample' }}"), "full");
  EXPECT_EQ(Render("{{ 'eu' in params.regions }} {{ not params.regions }}"), "True False");
  EXPECT_EQ(Render("{{ params | tojson }}"),
            R"({"limit": 10, "regions": ["eu", "us"], "table": "orders"})");
  EXPECT_EQ(Render("{{ \"it's <b>\" | tojson }}"), R"("it\u0027s \u003cb\u003e")");
  EXPECT_EQ(Render("{{ ds | replace('-', '') | int }}"), "20250102");
  EXPECT_EQ(Render("{{ 1.0 }} {{ None }} {{ True }} {{ [1, 'a'] }}"), "1.0 None True [1, 'a']");
  // The branch not taken is not evaluated.
  EXPECT_EQ(Render("{{ 'ok' if True else var.value.missing }}"), "ok");
}

TEST(JinjaTemplate, OnlyTheBranchesTakenAreEvaluated) {
  EXPECT_EQ(
      Render("{{ macros.ds_add(dag_run.conf.get('d'), 1) if dag_run.conf.get('d') else ds }}"),
      "2025-01-02");
  EXPECT_EQ(Render("{{ params.table or var.value.missing }}"), "orders");
  EXPECT_EQ(Render("{{ False and var.value.missing }}"), "False");
  EXPECT_EQ(Render("{{ 1 / 0 if False else 'ok' }}"), "ok");
  EXPECT_NE(Error("{{ 1 / 0 if True else 'ok' }}").find("division by zero"), std::string::npos);
}

TEST(JinjaTemplate, AsJinjaDoesNumbersPrecedenceAndFilters) {
  EXPECT_EQ(Render("{{ 'a' ~ 'b' * 2 }}"), "abb");
  EXPECT_EQ(Render("{{ -7 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }}"), "-4 2 -2");
  EXPECT_EQ(Render("{{ '' | default('y', boolean=True) }}|{{ '' | default('y') }}"), "y|");
  EXPECT_EQ(Render("{{ [1, 2, 3] | join(d='-') }}"), "1-2-3");
  EXPECT_EQ(Render("{{ '12abc' | int }} {{ '0x1A' | int }} {{ True | int }} {{ ' 7 ' | int }}"),
            "0 0 1 7");
  EXPECT_NE(Error("{{ 9223372036854775807 + 1 }}").find("overflows"), std::string::npos);
  EXPECT_NE(Error("{{ " + std::string(3000, '(') + "1" + std::string(3000, ')') + " }}")
                .find("nested too deeply"),
            std::string::npos);
  EXPECT_NE(Error("{{ 1" + std::string(400, '0') + ".0 + 'a' }}").find("cannot"),
            std::string::npos);
  EXPECT_EQ(Render("{{ (-9223372036854775807 - 1) % -1 }}"), "0");
  // StrictUndefined, as Airflow renders: testing or using an undefined value is an error.
  EXPECT_NE(Error("{{ not params.missing }}").find("has no key 'missing'"), std::string::npos);
  EXPECT_NE(Error("{{ var.value.get('missing') }}").find("AIRFLOW_VAR_MISSING"), std::string::npos);
}

TEST(JinjaTemplate, WhitespaceControlCommentsAndText) {
  EXPECT_EQ(Render("a  {{- ds -}}  b"), "a2025-01-02b");
  EXPECT_EQ(Render("x{# a comment #}y"), "xy");
  EXPECT_EQ(Render("echo '{a}' ${HOME} {}"), "echo '{a}' ${HOME} {}");
  EXPECT_EQ(Render("no template"), "no template");
}

TEST(JinjaTemplate, WhatItCannotRenderIsAnErrorNamingIt) {
  EXPECT_NE(Error("{{ conn.my_db.host }}").find("'conn' is not in the template context"),
            std::string::npos);
  EXPECT_NE(Error("{% macro m() %}x{% endmacro %}").find("the statement 'macro'"),
            std::string::npos);
  EXPECT_NE(Error("{{ ds | wordwrap }}").find("filter 'wordwrap'"), std::string::npos);
  EXPECT_NE(Error("{{ params.missing }}").find("has no key 'missing'"), std::string::npos);
  EXPECT_NE(Error("{{ ds ").find("not closed"), std::string::npos);
  EXPECT_NE(Error("{{ 'open }}").find("not closed"), std::string::npos);
  EXPECT_NE(Error("{{ 1 / 0 }}").find("division by zero"), std::string::npos);
  EXPECT_NE(Error("{{ ds ds }}").find("was not expected"), std::string::npos);
  EXPECT_NE(Error("{{ }}").find("ends too early"), std::string::npos);
  EXPECT_NE(Error("{{ 99999999999999999999999 }}").find("too large"), std::string::npos);
}

}  // namespace
}  // namespace dagport::runtime
