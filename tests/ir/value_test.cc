#include "ir/value.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ir/value_json.h"

namespace dagport::ir {
namespace {

TEST(Value, DefaultIsNone) {
  Value v;
  EXPECT_TRUE(v.is_none());
  EXPECT_EQ(v.ToPython(), "None");
}

TEST(Value, ScalarsPrintAsPython) {
  EXPECT_EQ(Value::Bool(true).ToPython(), "True");
  EXPECT_EQ(Value::Int(-42).ToPython(), "-42");
  EXPECT_EQ(Value::Float(1.0).ToPython(), "1.0");
  EXPECT_EQ(Value::Float(0.1).ToPython(), "0.1");
  EXPECT_EQ(Value::Float(1e300).ToPython(), "1e+300");
  EXPECT_EQ(Value::String("it's").ToPython(), "\"it's\"");
  EXPECT_EQ(Value::String("a\nb'\"").ToPython(), "'a\\nb\\'\"'");
  EXPECT_EQ(Value::Template("{{ ds }}").ToPython(), "'{{ ds }}'");
}

TEST(Value, ContainersPrintAsPython) {
  EXPECT_EQ(Value::Tuple({Value::Int(1)}).ToPython(), "(1,)");
  EXPECT_EQ(Value::Tuple({Value::Int(1), Value::String("x")}).ToPython(), "(1, 'x')");
  EXPECT_EQ(Value::List({}).ToPython(), "[]");
  Value d = Value::Dict(
      {{Value::String("owner"), Value::String("data")}, {Value::Int(3), Value::None()}});
  EXPECT_EQ(d.ToPython(), "{'owner': 'data', 3: None}");
}

TEST(Value, TimedeltaNormalisesLikePython) {
  EXPECT_EQ(Value::Timedelta(300'000'000).ToPython(), "timedelta(seconds=300)");
  EXPECT_EQ(Value::Timedelta(86'400'000'000LL + 1).ToPython(), "timedelta(days=1, microseconds=1)");
  // timedelta(seconds=-1) is timedelta(days=-1, seconds=86399) in Python.
  EXPECT_EQ(Value::Timedelta(-1'000'000).ToPython(), "timedelta(days=-1, seconds=86399)");
  EXPECT_EQ(Value::Timedelta(0).ToPython(), "timedelta()");
}

TEST(Value, DatetimePrintsItsFields) {
  Datetime dt{2021, 3, 4, 0, 0, 0, 0, ""};
  EXPECT_EQ(Value::MakeDatetime(dt).ToPython(), "datetime(2021, 3, 4)");
  dt.hour = 5;
  dt.timezone = "UTC";
  EXPECT_EQ(Value::MakeDatetime(dt).ToPython(), "datetime(2021, 3, 4, 5, 0, tzinfo='UTC')");
  EXPECT_EQ(dt.Iso(), "2021-03-04T05:00:00");
  EXPECT_EQ((Datetime{5, 1, 2, 3, 4, 5, 60, ""}).Iso(), "0005-01-02T03:04:05.000060");
  EXPECT_EQ((Datetime{12021, 12, 31, 23, 59, 59, 999999, ""}).Iso(), "12021-12-31T23:59:59.999999");
}

TEST(Value, FindLooksUpStringKeysOfDicts) {
  Value d = Value::Dict({{Value::String("retries"), Value::Int(2)}});
  ASSERT_NE(d.Find("retries"), nullptr);
  EXPECT_EQ(d.Find("retries")->as_int(), 2);
  EXPECT_EQ(d.Find("missing"), nullptr);
  EXPECT_EQ(Value::Int(1).Find("retries"), nullptr);
}

TEST(Value, ContainsUnresolvedLooksInside) {
  Value u = Value::MakeUnresolved("Variable.get('x')", "Airflow Variable read at parse time");
  EXPECT_TRUE(u.contains_unresolved());
  EXPECT_TRUE(Value::List({Value::Int(1), u}).contains_unresolved());
  EXPECT_TRUE(Value::Dict({{Value::String("k"), u}}).contains_unresolved());
  EXPECT_FALSE(Value::List({Value::Int(1)}).contains_unresolved());
  EXPECT_EQ(u.ToPython(), "Variable.get('x')");
}

TEST(Value, EqualityComparesKindAndPayload) {
  EXPECT_EQ(Value::String("x"), Value::String("x"));
  EXPECT_NE(Value::String("x"), Value::Template("x"));
  EXPECT_NE(Value::List({}), Value::Tuple({}));
  EXPECT_NE(Value::Int(1), Value::Float(1.0));
}

// Separately built values compare by what they hold, shared or not; copies share it.
TEST(Value, CopiesShareWhatTheyHoldAndCompareByIt) {
  const std::string sql(200, 'q');
  const auto make = [&] {
    return Value::Dict({{Value::String("sql"), Value::String(sql)},
                        {Value::String("when"), Value::MakeDatetime({2020, 1, 2, 0, 0, 0, 0, ""})},
                        {Value::String("to"), Value::List({Value::String("a@example.com")})},
                        {Value::String("none"), Value::List({})}});
  };
  const Value a = make();
  const Value b = make();
  EXPECT_EQ(a, b);
  EXPECT_NE(&a.entries(), &b.entries());
  const Value copy = a;  // NOLINT(performance-unnecessary-copy-initialization): the copy is tested
  EXPECT_EQ(&copy.entries(), &a.entries());
  EXPECT_EQ(&copy.entries()[0].second.as_text(), &a.entries()[0].second.as_text());
  EXPECT_EQ(copy.entries()[0].second.as_text(), sql);
  // Each part differs in turn.
  EXPECT_NE(a, Value::Dict({{Value::String("sql"), Value::String(sql + "!")}}));
  EXPECT_NE(Value::String(sql), Value::String(sql + "!"));
  EXPECT_NE(Value::String(sql), Value::Template(sql));
  EXPECT_NE(Value::MakeDatetime({2020, 1, 2, 0, 0, 0, 0, ""}),
            Value::MakeDatetime({2020, 1, 3, 0, 0, 0, 0, ""}));
  EXPECT_NE(Value::List({Value::Int(1)}), Value::List({Value::Int(2)}));
  EXPECT_NE(Value::List({}), Value::List({Value::Int(1)}));
  EXPECT_EQ(Value::List({}), Value::List({}));
  EXPECT_NE(Value::Callable({"f", "a.py", {}}), Value::Callable({"f", "b.py", {}}));
  EXPECT_NE(Value::MakeUnresolved("x", "why"), Value::MakeUnresolved("x", "other"));
  EXPECT_EQ(Value::MakeUnresolved("x", "why"), Value::MakeUnresolved("x", "why"));
  // Short text and long text read the same.
  EXPECT_EQ(Value::String("short").as_text(), "short");
  EXPECT_EQ(Value::Cron(std::string(20, '*')).as_text(), std::string(20, '*'));
}

Value EveryKind() {
  Datetime dt{2020, 1, 2, 3, 4, 5, 6, "Europe/Amsterdam"};
  return Value::List({
      Value::None(),
      Value::Bool(false),
      Value::Int(7),
      Value::Float(2.5),
      Value::String("s"),
      Value::Template("{{ ds_nodash }}"),
      Value::Cron("0 5 * * *"),
      Value::Tuple({Value::Int(1), Value::Int(2)}),
      Value::Dict({{Value::String("a"), Value::Int(1)}, {Value::String("b"), Value::List({})}}),
      Value::Dict({{Value::Int(1), Value::String("int key")}}),
      Value::Timedelta(-1),
      Value::MakeDatetime(dt),
      Value::Callable({"load", "helpers/etl.py", {3, 1, 3, 9}}),
      Value::MakeUnresolved("os.environ['X']", "environment variable"),
      Value::Float(INFINITY),
  });
}

TEST(ValueJson, RoundTripsEveryKind) {
  const Value v = EveryKind();
  const Json j = ValueToJson(v);
  EXPECT_EQ(ValueFromJson(j), v);
  // And through text, as files carry it.
  EXPECT_EQ(ValueFromJson(Json::parse(j.dump())), v);
}

TEST(ValueJson, PlainKindsArePlainJson) {
  EXPECT_EQ(ValueToJson(Value::String("x")).dump(), "\"x\"");
  EXPECT_EQ(ValueToJson(Value::List({Value::Int(1), Value::None()})).dump(), "[1,null]");
  EXPECT_EQ(ValueToJson(Value::Timedelta(300'000'000)).dump(),
            R"j({"kind":"timedelta","microseconds":300000000,"python":"timedelta(seconds=300)"})j");
}

TEST(ValueJson, RejectsUnknownKindsNamingTheLocation) {
  try {
    ValueFromJson(Json::parse(R"({"kind":"mystery"})"), "/files/0/x");
    FAIL() << "expected IrFormatError";
  } catch (const IrFormatError& e) {
    EXPECT_STREQ(e.what(), "/files/0/x/kind: unknown value kind \"mystery\"");
  }
  EXPECT_THROW(ValueFromJson(Json::parse(R"({"kind":"timedelta"})")), IrFormatError);
  EXPECT_THROW(ValueFromJson(Json::parse(R"({"kind":"datetime","iso":"yesterday"})")),
               IrFormatError);
}

}  // namespace
}  // namespace dagport::ir
