// The streaming JSON writer must print exactly what nlohmann::ordered_json::dump() prints for the
// same document: the IR's JSON is written with it and read back with nlohmann.
#include "ir/json_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "ir/ir_json.h"
#include "ir/value_json.h"

namespace dagport::ir {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

TEST(JsonWriter, StringsEscapeLikeNlohmann) {
  const std::string samples[] = {
      "",
      "plain",
      "quote \" and backslash \\ and slash /",
      "tab\tnewline\nreturn\rback\bfeed\f",
      std::string("nul \0 unit \x1f del \x7f", 18),
      "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9A\x80",  // é € 🚀
      "{{ ds }} and {% if x %}",
  };
  for (const std::string& s : samples) EXPECT_EQ(Quoted(s), Json(s).dump()) << s;
}

TEST(JsonWriter, EverySpecialByteAtEveryOffsetOfTheWordScan) {
  // The scan looks at eight bytes at a time: a special byte must be seen wherever it falls.
  const char specials[] = {'"', '\\', '\n', '\x01', '\x1f'};
  for (char special : specials) {
    for (size_t length = 1; length <= 24; ++length) {
      for (size_t at = 0; at < length; ++at) {
        std::string s(length, 'a');
        s[at] = special;
        ASSERT_EQ(Quoted(s), Json(s).dump()) << "length " << length << " at " << at;
      }
    }
  }
  for (size_t at = 0; at < 20; ++at) {
    std::string s(20, 'x');
    s.replace(at, 0, "\xC3\xA9");
    ASSERT_EQ(Quoted(s), Json(s).dump());
  }
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(Quoted("a\xFF"
                   "b"),
            "\"a\xEF\xBF\xBD"
            "b\"");
  EXPECT_EQ(Quoted("\xC3"), "\"\xEF\xBF\xBD\"");                  // truncated sequence
  EXPECT_EQ(Quoted("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong
  EXPECT_EQ(Quoted("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
  // Whatever the input, the output parses.
  EXPECT_TRUE(Json::accept(Quoted("\x80\x81\xFE\xFF")));
}

TEST(JsonWriter, ContainersAndScalars) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Member("a", int64_t{-3});
  w.Key("b");
  w.BeginArray();
  w.Null();
  w.Bool(true);
  w.Float(0.1);
  w.Float(2.0);
  w.Float(1e300);
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.EndArray();
  w.Member("c", "x");
  w.EndObject();
  EXPECT_EQ(out, R"({"a":-3,"b":[null,true,0.1,2.0,1e+300,{},[]],"c":"x"})");
  EXPECT_EQ(out, Json::parse(out).dump());
}

TEST(JsonWriter, DuplicateKeysKeepFirstPlaceAndLastValue) {
  const Value dict = Value::Dict({{Value::String("a"), Value::Int(1)},
                                  {Value::String("b"), Value::Int(2)},
                                  {Value::String("a"), Value::Int(3)}});
  std::string out;
  JsonWriter w(out);
  WriteValue(w, dict);
  EXPECT_EQ(out, R"({"kind":"dict","entries":{"a":3,"b":2}})");

  // The same with enough keys to take the hashed path.
  Value::Entries many;
  for (int i = 0; i < 40; ++i)
    many.emplace_back(Value::String("k" + std::to_string(i)), Value::Int(i));
  many.emplace_back(Value::String("k0"), Value::Int(100));
  out.clear();
  JsonWriter w2(out);
  WriteValue(w2, Value::Dict(many));
  const Json parsed = Json::parse(out);
  ASSERT_EQ(parsed["entries"].size(), 40u);
  EXPECT_EQ(parsed["entries"].begin().key(), "k0");
  EXPECT_EQ(parsed["entries"]["k0"], 100);
}

TEST(JsonWriter, DagFileTextIsCompactNlohmannJson) {
  DagFile f;
  f.path = "dags/x.py";
  Dag d;
  d.dag_id = "etl";
  d.arguments = {{"dag_id", Value::String("etl")},
                 {"schedule_interval", Value::String("@daily")},
                 {"default_args", Value::Dict({{Value::String("retries"), Value::Int(2)}})}};
  Task t;
  t.task_id = "load \"all\"";
  t.operator_class = "airflow.operators.bash_operator.BashOperator";
  t.arguments = {{"bash_command", Value::Template("echo {{ ds }}\n")}};
  t.effective_arguments = t.arguments;
  t.effective_arguments.emplace_back("retry_delay", Value::Timedelta(60'000'000));
  d.tasks.push_back(t);
  d.edges.push_back(Edge{"a", "b", {1, 2, 3, 4}});
  f.dags.push_back(d);
  f.imports.push_back(Import{"airflow", "DAG", "", {1, 1, 1, 22}});
  const std::string text = DagFileJsonText(f);
  EXPECT_EQ(text, Json::parse(text).dump());
  EXPECT_EQ(Json::parse(text)["dags"][0]["tasks"][0]["retry_delay"]["microseconds"], 60'000'000);
  EXPECT_EQ(Json::parse(text)["dags"][0]["schedule"], "@daily");
}

}  // namespace
}  // namespace dagport::ir
