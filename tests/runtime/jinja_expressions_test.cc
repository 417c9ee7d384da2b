// The local runtime's Jinja expressions, filters, tests and date macros beyond the basics of
// jinja_template_test.cc, each against what Jinja 3 renders in Airflow's environment for the
// same template.
#include <gtest/gtest.h>

#include <string>

#include "tests/runtime/jinja_test_support.h"

namespace dagport::runtime {
namespace {

std::string Render(const std::string& text) {
  return RenderOk(text, ParamsEnvironment());
}
std::string Error(const std::string& text, bool knows_all_names = true) {
  TemplateEnvironment env = ParamsEnvironment();
  env.knows_all_names = knows_all_names;
  return RenderError(text, env);
}

#define EXPECT_ERROR(text, part) EXPECT_NE(Error(text).find(part), std::string::npos) << Error(text)

TEST(JinjaExpressions, LiteralsAsPythonWritesThem) {
  EXPECT_EQ(Render("{{ 'a' 'b' }} {{ 'tab\\there' }} {{ 'back\\\\slash' }} {{ 'x\\d' }} "
                   "{{ '\\x41\\u00e9' }}"),
            "ab tab\there back\\slash x\\d A\u00e9");
  EXPECT_EQ(Render("{{ 1_000 }} {{ 0x1F }} {{ 1e3 }} {{ 2.5e-1 }} {{ params.regions.0 }}"),
            "1000 31 1000.0 0.25 eu");
  EXPECT_EQ(Render("{{ [1, 'a', none, true, 1.5] }} {{ {'k': [1]} }} {{ (1, 2) | list }} "
                   "{{ () | length }}"),
            "[1, 'a', None, True, 1.5] {'k': [1]} [1, 2] 0");
  EXPECT_EQ(Render("{{ \"it's\" }} {{ 'say \"hi\"' }}"), "it's say \"hi\"");
  EXPECT_ERROR("{{ {1: 'a'} }}", "a dict's keys must be strings here");
}

TEST(JinjaExpressions, ArithmeticAndPrecedenceAsJinja) {
  EXPECT_EQ(Render("{{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2.0 ** 3 }} {{ -2 ** 2 }} {{ 7 % 3 }} "
                   "{{ -7 // 2 }}"),
            "1024 0.5 8.0 4 1 -4");
  EXPECT_EQ(Render("{{ 10 // 3 }} {{ 10 % -3 }} {{ -10 % 3 }} {{ 1.5 // 1 }} {{ -1.5 % 1 }}"),
            "3 -2 2 1.0 0.5");
  EXPECT_EQ(Render("{{ [1, 2] * 2 }} {{ 'ab' * 2 }} {{ true + 1 }} {{ 3 / 2 }}"),
            "[1, 2, 1, 2] abab 2 1.5");
  EXPECT_EQ(Render("{{ -1 | string }} {{ - 1 | abs }} {{ 1 if true else 2 if false else 3 }}"),
            "-1 1 1");
  EXPECT_EQ(Render("{{ 'x' ~ 1 ~ none ~ true }}"), "x1NoneTrue");
  EXPECT_EQ(Render("{{ 'full' if params.limit > 5 else 'sample' }}|{{ 'x' if false }}|"), "full||")
      << "an if without else is Jinja's lenient undefined";
  EXPECT_ERROR("{{ 2 ** 64 }}", "overflows 64 bits");
  EXPECT_ERROR("{{ 1 + 'a' }}", "cannot apply '+' to 1 and 'a' (int and str)");
  EXPECT_ERROR("{{ 1 in 'abc' }}", "'in <string>' needs a string on its left");
}

TEST(JinjaExpressions, ItemsSlicesAndCharacters) {
  EXPECT_EQ(Render("{{ ds[:4] }} {{ ds[5:7] }} {{ ds[-2:] }} {{ [1,2,3,4,5][::2] }} "
                   "{{ [1,2,3][::-1] }} {{ 'abc'[10:] }}|"),
            "2025 01 02 [1, 3, 5] [3, 2, 1] |");
  EXPECT_EQ(Render("{{ [1,2,3][1:] }} {{ [1,2,3][:-1] }} {{ [1,2,3][-5:5] }}"),
            "[2, 3] [1, 2] [1, 2, 3]");
  // Characters, not bytes.
  EXPECT_EQ(Render("{{ 'h\u00e9llo' | length }} {{ 'h\u00e9llo'[1] }} {{ 'h\u00e9llo'[1:3] }} "
                   "{{ 'h\u00e9llo' | reverse }}"),
            "5 \u00e9 \u00e9l oll\u00e9h");
  EXPECT_EQ(Render("{{ params.regions[5] is defined }} {{ params.regions[5] | default('-') }}"),
            "False -");
  EXPECT_ERROR("{{ 'abc'[5] }}", "'abc' has no item 5");
  // An item Jinja's getitem cannot find is undefined; a slice (which bypasses it) is an error.
  EXPECT_EQ(Render("{{ params.limit[0] is defined }} {{ params.limit['x'] | default('d') }}"),
            "False d");
  EXPECT_ERROR("{{ params.limit[:2] }}", "10 cannot be sliced");
  EXPECT_ERROR("{{ [1][::0] }}", "the slice step cannot be zero");
}

TEST(JinjaExpressions, MethodsOfData) {
  EXPECT_EQ(Render("{{ 'a,b'.split(',') }} {{ ' x '.strip() }} {{ 'abc'.startswith('ab') }} "
                   "{{ 'abc'.endswith('x') }} {{ ','.join(['a', 'b']) }}"),
            "['a', 'b'] x True False a,b");
  EXPECT_EQ(Render("{{ params.cfg.items() | list | length }} {{ params.cfg.keys() | list }} "
                   "{{ params.cfg.values() | list }}"),
            "2 ['b', 'a'] [2, 1]");
  EXPECT_EQ(Render("{{ dict(a=1)['a'] }} {{ range(3) | list }} {{ range(5)[1:3] | list }}"),
            "1 [0, 1, 2] [1, 2]");
}

TEST(JinjaExpressions, Filters) {
  EXPECT_EQ(Render("{{ params.names | sort }} {{ params.names | sort(reverse=true) }} "
                   "{{ params.names | sort(case_sensitive=true) }}"),
            "['A', 'a', 'b', 'c'] ['c', 'b', 'A', 'a'] ['A', 'a', 'b', 'c']");
  EXPECT_EQ(Render("{{ params.rows | sort(attribute='v') | map(attribute='n') | join(',') }}"),
            "y,x");
  EXPECT_EQ(Render("{{ params.names | unique | list }} {{ params.names | min }} "
                   "{{ params.names | max }} {{ [1, 2, 3] | sum }}"),
            "['b', 'A', 'c'] A c 6");
  EXPECT_EQ(Render("{{ params.rows | sum(attribute='v') }} {{ -3 | abs }} "
                   "{{ 'hello world' | capitalize }} {{ 'hello wORLD-x (y' | title }}"),
            "3 3 Hello world Hello World-X (Y");
  EXPECT_EQ(Render("{{ 'abc' | reverse }} {{ [1, 2] | reverse | list }} {{ 'ab' | list }} "
                   "{{ params.cfg | list }}"),
            "cba [2, 1] ['a', 'b'] ['b', 'a']");
  EXPECT_EQ(Render("{{ [] | first is defined }} {{ 'abc' | first }} {{ 'abc' | last }} "
                   "{{ params.cfg | first }} {{ [] | min is defined }}"),
            "False a c b False");
  EXPECT_EQ(Render("{{ params.rows | selectattr('v', 'gt', 1) | map(attribute='n') | list }} "
                   "{{ [1, 2, 3, 4] | select('odd') | list }} "
                   "{{ [1, 2, 3, 4] | reject('odd') | list }}"),
            "['x'] [1, 3] [2, 4]");
  EXPECT_EQ(Render("{{ ['a', 'b'] | map('upper') | join }} "
                   "{{ params.rows | rejectattr('v', 'eq', 1) | list | length }} "
                   "{{ params.rows | map(attribute='missing', default='z') | list }}"),
            "AB 1 ['z', 'z']");
  EXPECT_EQ(Render("{{ 'xxabcxx' | trim('x') }} {{ 'aaa' | replace('a', 'b', 2) }} "
                   "{{ 'ff' | int(base=16) }} {{ '12' | int }} {{ '1.5' | float }}"),
            "abc bba 255 12 1.5");
  EXPECT_EQ(Render("{{ params.cfg | dictsort(by='value', reverse=true) | first | last }}"), "2");
  EXPECT_EQ(Render("{{ params.missing | default('d') }} {{ '' | default('d', true) }} "
                   "{{ none | default('d') }} {{ params.regions | join(', ') | upper }}"),
            "d d None EU, US");
  EXPECT_EQ(Render("{{ ['a', 'B'] | sort }} {{ ['a', 'B'] | sort(case_sensitive=true) }}"),
            "['a', 'B'] ['B', 'a']");
  EXPECT_ERROR("{{ [1, 'a'] | sort }}", "'<' is not supported between");
  // map, select, unique... give generators in Jinja: always true, no length, not printable.
  EXPECT_EQ(Render("{% if [] | select('odd') %}T{% endif %}{% if [] | select('odd') | list %}F"
                   "{% endif %}"),
            "T");
  EXPECT_ERROR("{{ [1, 2] | select('odd') | length }}", "add '| list'");
  EXPECT_ERROR("{{ [1] | map('string') }}", "add '| list'");
  EXPECT_ERROR("{{ 'x' | replace('x', 'y' * 600000, 0) ~ ('x' * 600000) | replace('x', 'yy') }}",
               "larger than 1 MB");
}

TEST(JinjaExpressions, NamesNeitherAirflowNorTheTemplateHave) {
  // Without user_defined_macros, a name nobody has is undefined, as in Airflow.
  EXPECT_EQ(Render("{{ nothing is defined }} {{ nothing | default('d') }}"), "False d");
  EXPECT_ERROR("{{ nothing }}", "'nothing' is undefined");
  // With them, it may be one: using it at all is an error.
  EXPECT_NE(Error("{{ nothing is defined }}", false).find("user_defined_macros"),
            std::string::npos);
  // A name Airflow has and the runtime does not is always an error.
  EXPECT_ERROR("{{ conn is defined }}", "'conn' is not in the template context");
  EXPECT_ERROR("{{ namespace(x=1) }}", "Jinja's namespace() is not supported");
}

TEST(JinjaExpressions, DateMacrosAndArithmetic) {
  EXPECT_EQ(Render("{{ (logical_date - macros.timedelta(days=1)).strftime('%Y-%m-%d') }}"),
            "2025-01-01");
  EXPECT_EQ(Render("{{ (execution_date + macros.timedelta(hours=36)).strftime('%Y%m%d %H') }}"),
            "20250103 12");
  EXPECT_EQ(Render("{{ logical_date - macros.timedelta(days=1) }}"), "2025-01-01T00:00:00+00:00");
  EXPECT_EQ(Render("{{ macros.datetime.strptime(ds, '%Y-%m-%d') }}"), "2025-01-02 00:00:00");
  EXPECT_EQ(Render("{{ macros.datetime.strptime(ds, '%Y-%m-%d') - macros.timedelta(days=7) }}"),
            "2024-12-26 00:00:00");
  EXPECT_EQ(Render("{{ (macros.datetime.strptime(ds, '%Y-%m-%d') - macros.timedelta(weeks=1))"
                   ".strftime('%d/%m/%Y') }}"),
            "26/12/2024");
  EXPECT_EQ(Render("{{ macros.datetime(2025, 3, 1) }} "
                   "{{ macros.datetime(2025, 3, 1, 12, 30).isoformat() }}"),
            "2025-03-01 00:00:00 2025-03-01T12:30:00");
  EXPECT_EQ(Render("{{ macros.datetime(2025, 3, 1) - macros.datetime(2025, 1, 1) }} "
                   "{{ (macros.datetime(2025, 3, 1) - macros.datetime(2025, 1, 1)).days }}"),
            "59 days, 0:00:00 59");
  EXPECT_EQ(Render("{{ macros.timedelta(days=1, hours=2, minutes=3, seconds=4) }}"),
            "1 day, 2:03:04");
  EXPECT_EQ(Render("{{ macros.timedelta(hours=-1) }} {{ macros.timedelta(milliseconds=1500) }} "
                   "{{ macros.timedelta(days=2) }}"),
            "-1 day, 23:00:00 0:00:01.500000 2 days, 0:00:00");
  EXPECT_EQ(Render("{{ macros.timedelta(days=1).total_seconds() }} "
                   "{{ macros.timedelta(hours=25).seconds }}"),
            "86400.0 3600");
  EXPECT_EQ(Render("{{ macros.timedelta(days=1) * 3 }} {{ -macros.timedelta(days=1) }}"),
            "3 days, 0:00:00 -1 day, 0:00:00");
  EXPECT_EQ(Render("{{ macros.timedelta(days=1) > macros.timedelta(hours=23) }} "
                   "{{ macros.timedelta(0) == macros.timedelta(seconds=0) }} "
                   "{{ macros.timedelta(days=0.5) }} {{ macros.timedelta(1, 30) }}"),
            "True True 12:00:00 1 day, 0:00:30");
  EXPECT_EQ(Render("{% if macros.timedelta(0) %}T{% else %}F{% endif %}"), "F");
  EXPECT_EQ(Render("{{ macros.datetime(2025, 1, 31).replace(day=1) }} "
                   "{{ logical_date.replace(day=1).strftime('%Y-%m-%d') }}"),
            "2025-01-01 00:00:00 2025-01-01");
  EXPECT_EQ(Render("{{ macros.datetime(2025, 1, 6).weekday() }} "
                   "{{ macros.datetime(2025, 1, 5).isoweekday() }}"),
            "0 7");
  EXPECT_EQ(Render("{{ macros.datetime(2024, 2, 29).strftime('%Y-%j %z|%Z') }}"), "2024-060 |");
  EXPECT_EQ(Render("{{ macros.datetime(2025, 1, 1) < macros.datetime(2025, 1, 2) }} "
                   "{{ macros.datetime(2025, 1, 1) == logical_date }}"),
            "True False");
  EXPECT_ERROR("{{ macros.datetime(2025, 2, 30) }}", "day 30 is out of the range 1..28");
  EXPECT_ERROR("{{ macros.datetime(2025, 1, 1) < logical_date }}",
               "a naive datetime (macros.datetime's) and an aware one cannot be compared");
  EXPECT_ERROR("{{ logical_date - macros.datetime(2025, 1, 1) }}", "cannot subtract a naive");
  EXPECT_ERROR("{{ macros.timedelta(days=1) + 1 }}", "cannot apply '+' to a timedelta and 1");
  EXPECT_ERROR("{{ macros.timedelta(microseconds=1) }}", "below a millisecond");
  EXPECT_ERROR("{{ macros.timedelta(days=1000000000) }}", "out of Python's range");
  EXPECT_ERROR("{{ macros.datetime.now() }}", "macros.datetime.now is not supported");
  EXPECT_ERROR("{{ macros.uuid.uuid4() }}", "macros.uuid is not one the local runtime has");
}

}  // namespace
}  // namespace dagport::runtime
