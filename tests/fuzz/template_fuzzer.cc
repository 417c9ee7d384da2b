// libFuzzer target: any bytes as a templated field (a bash_command, an env value) rendered by
// the local runtime's Jinja renderer with a context that has params, dag_run.conf, Variables
// and XComs; and the same text through the simulator's path templates. Rendering must give a
// text or a reason, never crash, hang or overflow.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "runtime/jinja_template.h"
#include "sched/clock.h"
#include "sched/template_context.h"

namespace {

using namespace dagport;

runtime::TemplateEnvironment MakeEnvironment() {
  runtime::TemplateEnvironment env;
  env.context.dag_id = "fuzz_dag";
  env.context.task_id = "fuzz_task";
  env.context.logical_date = 1'614'556'800'000;  // 2021-03-01T00:00:00
  env.context.interval_end = env.context.logical_date + sched::kDay;
  env.context.try_number = 2;
  env.params = nlohmann::ordered_json::parse(
      R"({"table": "orders", "n": 3, "ratio": 0.5, "flag": true, "none": null,
          "list": [1, "two", [3]], "nested": {"a": {"b": "c"}}, "empty": ""})");
  env.conf = nlohmann::ordered_json::parse(R"({"date": "2021-02-28", "force": false})");
  env.variable = [](const std::string& name) -> std::optional<std::string> {
    if (name == "bucket") return "s3://fuzz-bucket";
    if (name == "cfg") return R"({"region": "eu-west-1", "sizes": [1, 2, 3]})";
    if (name == "not_json") return "{oops";
    return std::nullopt;
  };
  env.xcom = [](const std::string& task_id, const std::string& key) -> std::optional<std::string> {
    if (task_id == "extract" && key == "return_value") return R"({"rows": 5, "path": "/tmp/x"})";
    if (task_id == "count") return "42";
    if (task_id == "raw") return "not json";
    return std::nullopt;
  };
  return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const runtime::TemplateEnvironment env = MakeEnvironment();
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string why;
  const std::optional<std::string> rendered = runtime::RenderTemplate(text, env, &why);
  if (!rendered && why.empty()) {
    std::fprintf(stderr, "template_fuzzer: a failure without a reason\n");
    std::abort();
  }

  const sched::PathTemplate path(text);
  (void)path.Render(env.context);
  return 0;
}
