// The local runtime's Jinja statements ({% if %}, {% for %}, {% set %}, {% raw %}, whitespace
// control) against what Jinja 2.x/3.x renders for the same templates in Airflow's environment
// (SandboxedEnvironment, StrictUndefined, trim_blocks and lstrip_blocks off), and the errors for
// what the runtime does not render.
#include <gtest/gtest.h>

#include <string>

#include "tests/runtime/jinja_test_support.h"

namespace dagport::runtime {
namespace {

std::string Render(const std::string& text) {
  return RenderOk(text, ParamsEnvironment());
}
std::string Error(const std::string& text) {
  return RenderError(text, ParamsEnvironment());
}

#define EXPECT_ERROR(text, part) EXPECT_NE(Error(text).find(part), std::string::npos) << Error(text)

TEST(JinjaStatements, IfElifElse) {
  const std::string t =
      "{% if params.limit > 50 %}big{% elif params.limit > 5 %}mid"
      "{% else %}small{% endif %}";
  EXPECT_EQ(Render(t), "mid");
  EXPECT_EQ(Render("{% if ds == '2025-01-02' %}yes{% endif %}|{% if false %}no{% endif %}"),
            "yes|");
  EXPECT_EQ(Render("{% if 'eu' in params.regions and 'fr' not in params.regions %}ok{% endif %}"),
            "ok");
  EXPECT_EQ(Render("{% if not params.empty %}empty{% else %}full{% endif %}"), "empty");
  EXPECT_EQ(Render("{% if false %}{{ nope }}{% elif true %}y{% endif %}"), "y")
      << "a branch not taken is not rendered";
  // Nested.
  EXPECT_EQ(Render("{% if true %}{% if false %}a{% else %}b{% endif %}{% endif %}"), "b");
}

TEST(JinjaStatements, TruthinessIsPythons) {
  for (const char* falsy : {"''", "[]", "{}", "0", "0.0", "None", "False", "params.empty",
                            "params.none", "params.zero"})
    EXPECT_EQ(Render(std::string("{% if ") + falsy + " %}T{% else %}F{% endif %}"), "F") << falsy;
  for (const char* truthy : {"' '", "[0]", "{'a': 0}", "1", "-1", "0.5", "True", "params.cfg",
                             "logical_date", "'False'"})
    EXPECT_EQ(Render(std::string("{% if ") + truthy + " %}T{% else %}F{% endif %}"), "T") << truthy;
}

TEST(JinjaStatements, TestsAndComparisonsInConditions) {
  EXPECT_EQ(Render("{% if params.missing is defined %}a{% else %}b{% endif %}"), "b");
  EXPECT_EQ(Render("{{ params.table is defined }} {{ params.x is undefined }}"), "True True");
  EXPECT_EQ(Render("{{ params.none is none }} {{ params.table is not none }} "
                   "{{ params.missing is none }}"),
            "True True False");
  EXPECT_EQ(Render("{{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} "
                   "{{ 9 is divisibleby(4) }}"),
            "True True True False");
  EXPECT_EQ(Render("{{ 'a' is string }} {{ 1 is number }} {{ params.cfg is mapping }} "
                   "{{ 1.5 is integer }} {{ true is boolean }} {{ [] is iterable }}"),
            "True True True False True True");
  EXPECT_EQ(Render("{{ 'eu' is in params.regions }} {{ 2 is eq 2 }} {{ 3 is gt 2 }} "
                   "{{ 'abc' is lower }} {{ none is sameas none }}"),
            "True True True True True");
  EXPECT_EQ(Render("{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 1 == 1.0 }} {{ [1, 2] < [1, 3] }} "
                   "{{ 'b' >= 'a' }} {{ {'a': 1, 'b': 2} == {'b': 2, 'a': 1} }}"),
            "True False True True True True");
  EXPECT_EQ(Render("{{ 'x' not in 'abc' }} {{ 'b' in {'b': 1} }} {{ not 1 in [1] }}"),
            "True True False");
  // StrictUndefined, as Airflow: testing an undefined value's truth is an error.
  EXPECT_ERROR("{% if params.missing %}x{% endif %}", "has no key 'missing'");
  EXPECT_ERROR("{{ 1 < 'a' }}", "'<' is not supported between int and str");
  EXPECT_ERROR("{{ params.missing is odd }}", "has no key 'missing'");
  EXPECT_ERROR("{{ 1 is frobnicated }}", "the test 'frobnicated'");
}

TEST(JinjaStatements, ForOverListsDictsItemsAndRange) {
  EXPECT_EQ(Render("{% for r in params.regions %}[{{ r }}]{% endfor %}"), "[eu][us]");
  EXPECT_EQ(Render("{% for k in params.cfg %}{{ k }}{% endfor %}"), "ba") << "keys, in order";
  EXPECT_EQ(Render("{% for k, v in params.cfg.items() %}{{ k }}={{ v }};{% endfor %}"), "b=2;a=1;");
  EXPECT_EQ(Render("{% for (k, v) in params.cfg | dictsort %}{{ k }}={{ v }};{% endfor %}"),
            "a=1;b=2;");
  EXPECT_EQ(Render("{% for i in range(3) %}{{ i }}{% endfor %}|"
                   "{% for i in range(2, 8, 2) %}{{ i }}{% endfor %}|"
                   "{% for i in range(3, 0, -1) %}{{ i }}{% endfor %}|"
                   "{% for i in range(0) %}{{ i }}{% endfor %}"),
            "012|246|321|");
  EXPECT_EQ(Render("{% for c in 'ab' %}{{ c }}.{% endfor %}"), "a.b.");
  EXPECT_EQ(Render("{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }} {% endfor %}"), "3 7 ");
  EXPECT_EQ(Render("{% for row in params.rows %}{{ row.n }}:{{ row['v'] }} {% endfor %}"),
            "x:2 y:1 ");
  EXPECT_EQ(Render("{% for x in [1, 2] %}{% for y in ['a', 'b'] %}{{ x }}{{ y }} {% endfor %}"
                   "{% endfor %}"),
            "1a 1b 2a 2b ");
}

TEST(JinjaStatements, LoopVariable) {
  EXPECT_EQ(Render("{% for r in ['a', 'b', 'c'] %}{{ loop.index }}{{ loop.index0 }}"
                   "{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.length }} {% endfor %}"),
            "10323 21213 32103 ");
  EXPECT_EQ(Render("{% for r in params.regions %}{% if loop.first %}({% endif %}{{ r }}"
                   "{% if not loop.last %},{% else %}){% endif %}{% endfor %}"),
            "(eu,us)");
  EXPECT_EQ(Render("{% for x in [1, 2, 3] %}{{ loop.cycle('odd', 'even') }} {% endfor %}"),
            "odd even odd ");
  EXPECT_EQ(Render("{% for x in [1, 2, 3] %}{{ loop.previtem | default('-') }}"
                   "{{ loop.nextitem | default('-') }} {% endfor %}"),
            "-2 13 2- ");
  // The inner loop's `loop` hides the outer one, which a set can keep.
  EXPECT_EQ(Render("{% for x in 'ab' %}{% set outer = loop %}{% for y in 'cd' %}"
                   "{{ outer.index }}{{ loop.index }} {% endfor %}{% endfor %}"),
            "11 12 21 22 ");
  EXPECT_ERROR("{{ loop.index }}", "'loop' is defined only inside a {% for %} loop");
}

TEST(JinjaStatements, ForElseAndLoopFilter) {
  EXPECT_EQ(Render("{% for x in [] %}{{ x }}{% else %}none{% endfor %}"), "none");
  EXPECT_EQ(Render("{% for x in [1] %}{{ x }}{% else %}none{% endfor %}"), "1");
  EXPECT_EQ(Render("{% for x in range(10) if x is odd %}{{ x }}{{ loop.length }} {% endfor %}"),
            "15 35 55 75 95 ");
  EXPECT_EQ(Render("{% for x in [1, 2] if x > 5 %}{{ x }}{% else %}filtered{% endfor %}"),
            "filtered");
}

TEST(JinjaStatements, SetIsScopedAsJinja) {
  EXPECT_EQ(Render("{% set t = params.table | upper %}{{ t }}-{{ t | lower }}"), "ORDERS-orders");
  EXPECT_EQ(Render("{% set a, b = 1, 2 %}{{ a }}{{ b }}"), "12");
  EXPECT_EQ(Render("{% set xs = [1, 2] + [3] %}{{ xs | length }}"), "3");
  // A set in a loop does not leak out, and each iteration starts from the outer value.
  EXPECT_EQ(Render("{% set x = 0 %}{% for i in range(3) %}{{ x }}{% set x = x + 1 %}{{ x }}"
                   "{% endfor %}|{{ x }}"),
            "010101|0");
  EXPECT_EQ(Render("{% for i in [1] %}{% set inner = i %}{% endfor %}{{ inner is defined }}"),
            "False");
  // An if is no scope: its set is seen after it.
  EXPECT_EQ(Render("{% if true %}{% set y = 'in if' %}{% endif %}{{ y }}"), "in if");
  // A set shadows the context for the rest of the template.
  EXPECT_EQ(Render("{% set ds = 'mine' %}{{ ds }}"), "mine");
  // A block set captures the rendered body.
  EXPECT_EQ(Render("{% set cmd %}echo {{ ds }}{% endset %}[{{ cmd }}]"), "[echo 2025-01-02]");
  EXPECT_EQ(Render("{% set x %}{% set y = 1 %}{% endset %}{{ y is defined }}"), "False");
  EXPECT_ERROR("{% set a, b = [1, 2, 3] %}", "cannot be unpacked into 2 names");
  EXPECT_ERROR("{% set ns.x = 1 %}", "namespace");
}

TEST(JinjaStatements, Raw) {
  EXPECT_EQ(Render("{% raw %}{{ ds }} {% if %}{% endraw %}|{{ ds }}"),
            "{{ ds }} {% if %}|2025-01-02");
  EXPECT_EQ(Render("a {%- raw -%}  {{ x }}  {%- endraw -%} b"), "a{{ x }}b");
  EXPECT_ERROR("{% raw %}{{ x }}", "{% raw %} is not closed with {% endraw %}");
}

TEST(JinjaStatements, WhitespaceControlAsAirflowsEnvironment) {
  // trim_blocks and lstrip_blocks are off: a statement keeps the newline and indentation around it.
  EXPECT_EQ(Render("a\n  {% if true %}\n  b\n  {% endif %}\nc"), "a\n  \n  b\n  \nc");
  EXPECT_EQ(Render("a\n  {%- if true -%}\n  b\n  {%- endif -%}\nc"), "abc") << "each - trims all";
  EXPECT_EQ(Render("{% for x in [1, 2] -%}\n  {{ x }}\n{%- endfor %}"), "12");
  EXPECT_EQ(Render("a  {#- comment -#}  b"), "ab");
  EXPECT_EQ(Render("{%+ if true +%} x {%+ endif %}"), " x ") << "+ keeps the white space";
  // As Jinja with keep_trailing_newline off: one trailing newline is dropped, \r\n becomes \n.
  EXPECT_EQ(Render("echo {{ ds }}\n"), "echo 2025-01-02");
  EXPECT_EQ(Render("a\r\nb\n\n"), "a\nb\n");
}

TEST(JinjaStatements, TagsEndOutsideStringsAndBrackets) {
  EXPECT_EQ(Render("{{ '}}' }}|{% set x = '%}' %}{{ x }}"), "}}|%}");
  EXPECT_EQ(Render("{{ {'a': {'b': 1}}['a']['b'] }}"), "1");
}

TEST(JinjaStatements, UnknownStatementsAreErrorsNamingThemAndTheirLine) {
  EXPECT_ERROR("{% macro f() %}x{% endmacro %}",
               "{% macro f() %} cannot be rendered: the statement 'macro' is not one the local "
               "runtime renders (it renders if, for, set and raw)");
  EXPECT_ERROR("a\nb\n{% include 'other.sql' %}", "{% include 'other.sql' %} on line 3");
  EXPECT_ERROR("{% extends 'base.sql' %}", "the statement 'extends'");
  EXPECT_ERROR("{% call f() %}{% endcall %}", "the statement 'call'");
  EXPECT_ERROR("{% do xs.append(1) %}", "the statement 'do'");
  EXPECT_ERROR("{% frobnicate %}", "'frobnicate' is not a Jinja statement");
  EXPECT_ERROR("{% for x in xs recursive %}{% endfor %}", "recursive");
  EXPECT_ERROR("{% 'x' %}", "a statement name is expected");
}

TEST(JinjaStatements, UnbalancedBlocksAreErrorsNamingTheTagAndItsLine) {
  EXPECT_EQ(Error("{% if ds %}x"), "{% if ds %} is not closed: {% endif %} is missing");
  EXPECT_EQ(Error("line one\n{% for x in [1] %}\n{{ x }}"),
            "{% for x in [1] %} on line 2 is not closed: {% endfor %} is missing");
  EXPECT_EQ(Error("a\n\n{% endfor %}"), "{% endfor %} on line 3 closes no {% for %}");
  EXPECT_EQ(Error("{% else %}"), "{% else %} is outside any {% if %} or {% for %}");
  EXPECT_EQ(Error("{% elif x %}"), "{% elif x %} is outside any {% if %}");
  EXPECT_EQ(Error("{% for x in [1] %}\n{% endif %}\n{% endfor %}"),
            "{% endif %} on line 2 does not close {% for x in [1] %} on line 1: {% endfor %} is "
            "expected first");
  EXPECT_EQ(Error("{% for x in [1] %}{% elif y %}{% endfor %}"),
            "{% elif y %} is not allowed in {% for x in [1] %}: {% endfor %} is expected first");
  EXPECT_EQ(Error("{% if a %}{% else %}{% else %}{% endif %}"),
            "{% else %} is not allowed in {% if a %}: {% endif %} is expected first");
  EXPECT_EQ(Error("{% set x %}abc"), "{% set x %} is not closed: {% endset %} is missing");
  EXPECT_EQ(Error("{% endraw %}"), "{% endraw %} closes no {% raw %}");
  EXPECT_ERROR("{% if true %}{% endif extra %}", "'extra' was not expected");
  EXPECT_ERROR("{% if %}{% endif %}", "the expression ends too early");
  EXPECT_ERROR("{% for in xs %}{% endfor %}", "a name to assign to is expected");
  EXPECT_ERROR("{% for x on xs %}{% endfor %}", "'in' expected");
  EXPECT_ERROR("{% for loop in xs %}{% endfor %}", "'loop' is the loop's own variable");
  EXPECT_EQ(Error("x {% if"), "'{%' is not closed with '%}'");
  EXPECT_EQ(Error("a\n{# never closed"), "'{#' on line 2 is not closed with '#}'");
  // A syntax error is found in a branch that is not taken, as Jinja compiles the whole template.
  EXPECT_ERROR("{% if false %}{{ 1 + }}{% endif %}", "{{ 1 + }} cannot be rendered");
}

TEST(JinjaStatements, RuntimeErrorsNameTheInnermostTagAndItsLine) {
  EXPECT_EQ(Error("{% for x in [1, 0] %}\n{{ 1 // x }}\n{% endfor %}"),
            "{{ 1 // x }} on line 2 cannot be rendered: division by zero");
  EXPECT_EQ(Error("{% if true %}\n{% elif 1 // 0 %}{% endif %}x\n{% if false %}"
                  "{% elif 1 // 0 %}{% endif %}"),
            "{% elif 1 // 0 %} on line 3 cannot be rendered: division by zero");
  EXPECT_ERROR("{% for x in 5 %}{% endfor %}", "5 is not a list, a dict or a string");
  EXPECT_ERROR("{% for x in logical_date %}{% endfor %}", "a date cannot be iterated");
  EXPECT_ERROR("{% for a, b in [1] %}{% endfor %}", "1 is not a list, a dict or a string");
  EXPECT_ERROR("{% for a, b in ['abc'] %}{% endfor %}", "cannot be unpacked into 2 names");
}

TEST(JinjaStatements, LimitsKeepRenderingBounded) {
  // range() as Jinja's sandbox (Airflow's environment) allows it.
  EXPECT_EQ(Render("{% for i in range(100000) %}{% endfor %}x"), "x");
  EXPECT_ERROR(
      "{% for i in range(100001) %}{% endfor %}",
      "range() would give 100001 numbers: Airflow's sandboxed Jinja allows 100000 at most");
  EXPECT_ERROR("{% for i in range(-9223372036854775807, 9223372036854775807) %}{% endfor %}",
               "range() would give 18446744073709551614 numbers");
  // Nested loops: a million iterations in all.
  EXPECT_ERROR("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
               "the loops would run more than 1000000 times");
  EXPECT_ERROR("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
               "the rendered text would be larger than 16 MB");
  EXPECT_ERROR(
      "{% set x = 'a' * 1000000 %}{% for i in range(1000) %}{% set y = x ~ '' %}"
      "{% endfor %}",
      "rendering would make more than 256 MB of values");
  // Doubling a value is bounded, however often the template does it.
  std::string doubling = "{% set x = ['a' * 1000] %}";
  for (int i = 0; i < 40; ++i) doubling += "{% set x = x + x %}";
  EXPECT_ERROR(doubling, "the value would be larger than 1 MB");
  std::string nesting = "{% set x = [] %}";
  for (int i = 0; i < 200; ++i) nesting += "{% set x = [x] %}";
  EXPECT_ERROR(nesting, "a value is nested more than 100 deep");
  // Statements nest at most 100 deep.
  std::string deep;
  for (int i = 0; i < 101; ++i) deep += "{% if true %}";
  EXPECT_ERROR(deep, "the statements are nested more than 100 deep");
  std::string ok;
  for (int i = 0; i < 99; ++i) ok += "{% if true %}";
  ok += "x";
  for (int i = 0; i < 99; ++i) ok += "{% endif %}";
  EXPECT_EQ(Render(ok), "x");
}

TEST(JinjaStatements, AirflowStyleCommands) {
  EXPECT_EQ(Render(R"(
{%- for region in params.regions %}
aws s3 sync s3://raw/{{ region }}/{{ ds_nodash }} /data/{{ region }}
{%- endfor %}
{% if params.limit > 5 -%}
psql -c "select * from {{ params.table }} limit {{ params.limit }}"
{%- endif %}
)"),
            "\naws s3 sync s3://raw/eu/20250102 /data/eu\naws s3 sync s3://raw/us/20250102 "
            "/data/us\npsql -c \"select * from orders limit 10\"");
}

}  // namespace
}  // namespace dagport::runtime
