#include "runtime/python_task.h"

#include "runtime/python_truth.h"
#include "runtime/sandbox.h"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace dagport::runtime {

namespace fs = std::filesystem;

namespace {

/// The stand-in `airflow` package: enough of Airflow for a DAG file to be imported.
constexpr const char* kAirflowStub =
    R"PY("""A stand-in for Apache Airflow, shipped with dagport (docs/runtime.md).

`dagport run` imports a DAG file with it to call one of its callables. Every `airflow.*` module
exists and every name in it is a permissive class, so that DAG and operator definitions import
without Airflow installed; a few names behave as in Airflow: `Variable.get` reads
`AIRFLOW_VAR_<KEY>` from the environment, `days_ago` and `apply_defaults` work.
"""
import datetime as _dt
import importlib.abc
import importlib.machinery
import json as _json
import os as _os
import sys as _sys
import types as _types


_state = {"importing": True}


def _refuse(what):
    raise RuntimeError(
        "%s is part of dagport's stand-in for Airflow: a task run by `dagport run` cannot use it "
        "(docs/runtime.md)" % what)


class _Meta(type):
    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if not _state["importing"]:
            _refuse("%s.%s" % (cls.__name__, name))
        return _Anything()


class _Anything(object, metaclass=_Meta):
    def __init__(self, *args, **kwargs):
        if not _state["importing"] and type(self) is not _Anything and \
                not issubclass(type(self), BaseOperator):
            _refuse(type(self).__name__)
        self.args = args
        self.kwargs = kwargs
        self.task_id = kwargs.get("task_id")

    def __call__(self, *args, **kwargs):
        if not _state["importing"]:
            _refuse(type(self).__name__)
        return _Anything()

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if not _state["importing"]:
            _refuse("%s.%s" % (type(self).__name__, name))
        return _Anything()

    def __rshift__(self, other):
        return other

    def __rrshift__(self, other):
        return self

    def __lshift__(self, other):
        return other

    def __rlshift__(self, other):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __iter__(self):
        return iter(())


class BaseOperator(_Anything):
    template_fields = ()


class AirflowException(Exception):
    pass


class AirflowSkipException(AirflowException):
    pass


class PokeReturnValue(object):
    """What a sensor's poke may return (Airflow 2.3+): done or not, and the XCom value."""

    def __init__(self, is_done, xcom_value=None):
        self.is_done = is_done
        self.xcom_value = xcom_value

    def __bool__(self):
        return bool(self.is_done)


_NO_DEFAULT = object()


class Variable(object):
    @staticmethod
    def get(key, default_var=_NO_DEFAULT, deserialize_json=False):
        value = _os.environ.get("AIRFLOW_VAR_" + key.upper())
        if value is None:
            if default_var is not _NO_DEFAULT:
                return default_var
            raise KeyError("Variable %s does not exist (set AIRFLOW_VAR_%s)" % (key, key.upper()))
        return _json.loads(value) if deserialize_json else value


def apply_defaults(func):
    return func


def days_ago(n, hour=0, minute=0, second=0, microsecond=0):
    today = _dt.datetime.utcnow().replace(hour=hour, minute=minute, second=second,
                                          microsecond=microsecond)
    return today - _dt.timedelta(days=n)


_SPECIAL = {"BaseOperator": BaseOperator, "Variable": Variable, "apply_defaults": apply_defaults,
            "days_ago": days_ago, "DAG": _Anything, "AirflowException": AirflowException,
            "AirflowSkipException": AirflowSkipException, "PokeReturnValue": PokeReturnValue}


def _name(module_name, name):
    """What `from <module> import <name>` gives: a known name, a submodule for a lower-case
    name, an exception class, or a permissive class."""
    if name in _SPECIAL:
        return _SPECIAL[name]
    if name[:1].islower():
        return importlib.import_module(module_name + "." + name)
    if name.endswith("Exception") or name.endswith("Error"):
        return type(name, (AirflowException,), {})
    return type(name, (BaseOperator,), {})


class _StubModule(_types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = _name(self.__name__, name)
        setattr(self, name, value)
        return value


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname.startswith("airflow."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _StubModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


_sys.meta_path.insert(0, _StubFinder())
for _special, _value in _SPECIAL.items():
    globals()[_special] = _value


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _name(__name__, name)
)PY";

/// A minimal pendulum for converted DAG files (the converter writes `pendulum.datetime(...)`
/// for days_ago()), on sys.path after the system's packages: the real one wins when installed.
constexpr const char* kPendulumStandIn =
    R"PY("""A stand-in for pendulum, shipped with dagport for `dagport run` (docs/runtime.md).

Used only when the real pendulum is not installed: it covers what DAG files call while they
are imported (datetime, duration, timezone, now, today, parse), on the standard library.
"""
import datetime as _dt

UTC = _dt.timezone.utc


def timezone(name):
    if name in ("UTC", "utc", "Etc/UTC", "GMT"):
        return UTC
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _zone(tz):
    return timezone(tz) if isinstance(tz, str) else (tz or UTC)


class DateTime(_dt.datetime):
    def add(self, **kwargs):
        return self + _dt.timedelta(**kwargs)

    def subtract(self, **kwargs):
        return self - _dt.timedelta(**kwargs)


def datetime(year, month=1, day=1, hour=0, minute=0, second=0, microsecond=0, tz="UTC", **_):
    return DateTime(year, month, day, hour, minute, second, microsecond, tzinfo=_zone(tz))


def duration(**kwargs):
    return _dt.timedelta(**kwargs)


def now(tz="UTC"):
    n = _dt.datetime.now(_zone(tz))
    return DateTime(n.year, n.month, n.day, n.hour, n.minute, n.second, n.microsecond, n.tzinfo)


def today(tz="UTC"):
    n = now(tz)
    return datetime(n.year, n.month, n.day, tz=n.tzinfo)


def parse(text, tz="UTC"):
    d = _dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return DateTime(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond,
                    d.tzinfo or _zone(tz))
)PY";

/// Imports the callable's file and calls it as Airflow 2's PythonOperator does.
constexpr const char* kRunner =
    R"PY("""Runs one python_callable for `dagport run` (docs/runtime.md)."""
import datetime
import importlib.util
import inspect
import json
import os
import sys

with open(os.environ["DAGPORT_CALL_FILE"]) as f:
    call = json.load(f)
sys.path[:0] = call["python_path"] + [call["support"]]
sys.path.append(os.path.join(call["support"], "fallback"))  # pendulum, when not installed
spec = importlib.util.spec_from_file_location("dagport_task_module", call["file"])
module = importlib.util.module_from_spec(spec)
sys.modules["dagport_task_module"] = module
spec.loader.exec_module(module)
import airflow  # the stand-in: from now on its objects refuse to be used
airflow._state["importing"] = False
target = module
for part in call["callable"].split("."):
    target = getattr(target, part)

ctx = call["context"]
logical = datetime.datetime.fromisoformat(ctx["logical_date"])


class TaskInstance:
    """The `ti` of the context: its ids, and XComs of this run (dagport's stand-in)."""

    def __init__(self):
        self.dag_id = ctx["dag_id"]
        self.task_id = ctx["task_id"]
        self.run_id = ctx["run_id"]
        self.try_number = ctx["try_number"]
        self.execution_date = self.logical_date = logical
        self.pushed = {}

    def xcom_pull(self, task_ids=None, dag_id=None, key="return_value", include_prior_dates=False,
                  **_):
        if dag_id not in (None, self.dag_id) or include_prior_dates:
            raise RuntimeError("xcom_pull of another DAG or of earlier runs is not supported "
                               "by dagport run")
        if task_ids is None:
            raise RuntimeError("xcom_pull() without task_ids is not supported by dagport run")
        if isinstance(task_ids, str):
            return call["xcoms"].get(task_ids, {}).get(key)
        return [call["xcoms"].get(t, {}).get(key) for t in task_ids]

    def xcom_push(self, key, value, **_):
        json.dumps(value)  # Airflow 2 stores XComs as JSON: refuse what is not
        self.pushed[key] = value


ti = TaskInstance()
context = dict(ctx)
context.update({"logical_date": logical, "execution_date": logical, "params": call["params"],
                "templates_dict": call.get("templates_dict"), "ti": ti, "task_instance": ti})
kwargs = dict(call["op_kwargs"])
params = inspect.signature(target).parameters
if any(p.kind == inspect.Parameter.VAR_KEYWORD for p in params.values()):
    for key, value in context.items():
        kwargs.setdefault(key, value)
else:
    for key, value in context.items():
        if key in params and key not in kwargs:
            kwargs[key] = value
try:
    result = target(*call["op_args"], **kwargs)
except Exception as error:
    if type(error).__name__ == "AirflowSkipException":
        print("Skipping: %s" % (error,))
        sys.exit(99)
    raise
finally:
    with open(call["pushed_file"], "w") as out:
        json.dump(ti.pushed, out)
if type(result).__name__ == "PokeReturnValue":
    # A sensor's poke: the runtime reads "is done" and, once done, the XCom value.
    result = {"__dagport_poke__": bool(result.is_done), "xcom_value": result.xcom_value}
with open(call["xcom_file"], "w") as out:
    json.dump(result, out, default=str)
print("Returned value was: %r" % (result,))
)PY";

/// The python3 dagport itself would run (its PATH), as an absolute path: the sandbox's PATH
/// must not pick another interpreter with other packages.
std::string Python3() {
  static const std::string python = [] {
    const std::string found = FindOnPath("python3");
    return found.empty() ? std::string("python3") : found;
  }();
  return python;
}

}  // namespace

bool IsPythonOperator(const std::string& name) {
  return name == "PythonOperator" || name == "BranchPythonOperator" ||
         name == "ShortCircuitOperator";
}

std::string InstallPythonSupport(const std::string& support_dir) {
  const fs::path dir = fs::path(support_dir);
  std::error_code ec;
  fs::create_directories(dir / "airflow", ec);
  fs::create_directories(dir / "fallback" / "pendulum", ec);
  auto write = [&](const fs::path& path, const char* text) {
    const fs::path tmp = path.string() + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << text;
      if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
    }
    fs::rename(tmp, path, ec);
    if (ec) throw std::runtime_error("cannot write " + path.string());
  };
  write(dir / "airflow" / "__init__.py", kAirflowStub);
  write(dir / "dagport_python_runner.py", kRunner);
  write(dir / "fallback" / "pendulum" / "__init__.py", kPendulumStandIn);
  return fs::absolute(dir / "dagport_python_runner.py").string();
}

std::optional<PythonCall> PythonCallFor(const ir::Task& task, const std::string& dag_file,
                                        const std::vector<std::string>& python_path,
                                        const std::string& runner, const TemplateEnvironment& env,
                                        const nlohmann::json& xcoms, const std::string& xcom_file,
                                        std::string* why) {
  const sched::TemplateContext& context = env.context;
  const ir::Value* callable = ir::FindArgument(task.effective_arguments, "python_callable");
  if (callable == nullptr || callable->kind() != ir::ValueKind::kCallable) {
    *why = fmt::format("python_callable={} is not a function dagport can find statically",
                       callable == nullptr ? "None" : callable->ToPython());
    return std::nullopt;
  }
  const ir::CallableRef& ref = callable->callable();
  if (ref.name.empty() || ref.name == "<lambda>" || ref.name == "lambda") {
    *why = "python_callable is a lambda: only named functions can be imported and run";
    return std::nullopt;
  }
  nlohmann::json call;
  call["file"] = fs::absolute(ref.file.empty() ? dag_file : ref.file).string();
  call["callable"] = ref.name;
  call["python_path"] = python_path;
  call["support"] = fs::path(runner).parent_path().string();
  call["xcom_file"] = xcom_file;
  call["xcoms"] = xcoms;
  const std::string folder = fs::path(xcom_file).parent_path().string();
  call["pushed_file"] = folder + "/.dagport_xcom_pushed.json";
  auto field = [&](const char* name, nlohmann::json fallback, nlohmann::json* out) {
    const ir::Value* v = ir::FindArgument(task.effective_arguments, name);
    if (v == nullptr || v->is_none()) {
      *out = std::move(fallback);
      return true;
    }
    nlohmann::ordered_json j;
    std::string reason;
    if (ValueToJson(*v, &env, &j, &reason)) {
      *out = nlohmann::json::parse(j.dump());
      return true;
    }
    *why = fmt::format("{}: {}", name, reason);
    return false;
  };
  if (!field("op_args", nlohmann::json::array(), &call["op_args"]) ||
      !field("op_kwargs", nlohmann::json::object(), &call["op_kwargs"]) ||
      !field("templates_dict", nullptr, &call["templates_dict"]))
    return std::nullopt;
  call["params"] = nlohmann::json::parse(env.params.dump());
  const std::string ds = sched::FormatDs(context.logical_date);
  std::string ds_nodash = ds;
  ds_nodash.erase(std::remove(ds_nodash.begin(), ds_nodash.end(), '-'), ds_nodash.end());
  call["context"] = {{"ds", ds},
                     {"ds_nodash", ds_nodash},
                     {"ts", sched::FormatIso(context.logical_date) + "+00:00"},
                     {"logical_date", sched::FormatIso(context.logical_date) + "+00:00"},
                     {"run_id", context.run_id},
                     {"dag_id", std::string(context.dag_id)},
                     {"task_id", std::string(context.task_id)},
                     {"try_number", context.try_number}};
  PythonCall c;
  c.argv = {Python3(), runner};
  c.call_file = folder + "/.dagport_call.json";
  // Text that is not UTF-8 (an XCom from a command's output) is passed with U+FFFD.
  c.call_json = call.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  c.pushed_file = call["pushed_file"];
  c.env = {"DAGPORT_CALL_FILE=" + c.call_file, "PYTHONDONTWRITEBYTECODE=1"};
  return c;
}

void DecideFromReturn(const sched::DagPlan& plan, const sched::TaskPlan& task,
                      const std::string& json, std::vector<uint32_t>* follow, bool* skip_downstream,
                      std::string* note) {
  const nlohmann::json value = nlohmann::json::parse(json, nullptr, false);
  if (task.kind == sched::TaskKind::kBranch) {
    std::vector<std::string> ids;
    if (value.is_string()) ids.push_back(value.get<std::string>());
    if (value.is_array()) {
      for (const auto& v : value)
        if (v.is_string()) ids.push_back(v.get<std::string>());
    }
    for (uint32_t d : task.downstream) {
      if (std::find(ids.begin(), ids.end(), plan.tasks[d].task_id) != ids.end())
        follow->push_back(d);
    }
    *note = ids.empty() ? "follows no branch" : fmt::format("follows {}", fmt::join(ids, ", "));
  } else if (task.kind == sched::TaskKind::kShortCircuit) {
    *skip_downstream = value.is_discarded() || !PythonTruthy(value);
    if (*skip_downstream) *note = "condition false: downstream tasks skipped";
  }
}

}  // namespace dagport::runtime
