"""Runs one DAG file under real Python with a stand-in for Airflow 1.10, and prints what 1.10's
DagBag would collect from it, as JSON (tests/differential/README.md).

Usage: python3 stand_in_dagbag.py FILE
  -> {"dags": [{"dag_id", "tasks": [[task_id, class name]], "edges": [[from, to]]}],
      "error": "..." or null, "mocked": [names of unknown values the file used]}

The stand-in models what decides the graph: DAG() and BaseOperator() with apply_defaults and
validate_key, `with DAG`, add_task (duplicates kept first, the start_date check), `>>`/`<<` and
set_upstream/set_downstream with lists and DAGs, chain, cross_downstream, SubDagOperator,
DagBag's collection of module globals, sub-DAGs and cycles. Modules outside the standard library
and Airflow are permissive mocks; Airflow 2-only modules raise ImportError, as under 1.10.
"""
import builtins
import datetime as _dt
import importlib.abc
import importlib.machinery
import json
import os
import re
import signal
import sys
import types
import warnings

warnings.simplefilter("ignore")
MOCKED = []
DAG_PATH = [None]


class AirflowException(Exception):
    pass


class Anything:
    """A value nothing is known about."""

    def __init__(self, name="?"):
        object.__setattr__(self, "_name", name)
        if len(MOCKED) < 200:
            MOCKED.append(name)

    def __getattr__(self, k):
        if k.startswith("__") and k.endswith("__"):
            raise AttributeError(k)
        return Anything(self._name + "." + k)

    def __setattr__(self, k, v):
        pass

    def __call__(self, *a, **kw):
        return Anything(self._name + "()")

    def __iter__(self):
        return iter([])

    def __getitem__(self, k):
        return Anything(self._name + "[]")

    def __setitem__(self, k, v):
        pass

    def __len__(self):
        return 0

    def __bool__(self):
        return True

    def __str__(self):
        return "MOCK"

    __repr__ = __str__

    def __format__(self, spec):
        return "MOCK"

    def __add__(self, o):
        return Anything(self._name + "+")

    __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __mod__ = __add__
    __or__ = __and__ = __add__

    def __eq__(self, o):
        return self is o

    def __hash__(self):
        return id(self)

    def __lt__(self, o):
        return False

    __gt__ = __le__ = __ge__ = __lt__

    def __int__(self):
        return 0

    def __index__(self):
        return 0

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

    def __contains__(self, x):
        return False

    def __mro_entries__(self, bases):
        return (MockBase,)


class MockMeta(type):
    def __call__(cls, *a, **kw):
        if "task_id" in kw:
            op = _CLASSES.setdefault((cls.__module__, cls.__name__),
                                     type(cls.__name__, (BaseOperator,), {"__module__": cls.__module__}))
            return op(*a, **kw)
        return super().__call__(*a, **kw)

    def __getattr__(cls, k):
        if k.startswith("__"):
            raise AttributeError(k)
        return Anything(cls.__name__ + "." + k)


class MockBase(metaclass=MockMeta):
    def __init__(self, *a, **kw):
        pass

    def __getattr__(self, k):
        if k.startswith("__"):
            raise AttributeError(k)
        return Anything("mockbase." + k)


# ---------------------------------------------------------------------------------------------
# Airflow 1.10 model.

_CONTEXT = [None]
_KEY = re.compile(r"^[\w.-]+$")


def validate_key(k, max_length=250):
    if not isinstance(k, str):
        raise TypeError("The key has to be a string")
    if len(k) > max_length:
        raise AirflowException("The key has to be less than {0} characters".format(max_length))
    if not _KEY.match(k):
        raise AirflowException("The key ({k}) has to be made of alphanumeric characters, dashes, "
                               "dots and underscores exclusively".format(k=k))


class DAG:
    def __init__(self, dag_id, description="", schedule_interval=_dt.timedelta(days=1),
                 start_date=None, end_date=None, full_filepath=None, template_searchpath=None,
                 template_undefined=None, user_defined_macros=None, user_defined_filters=None,
                 default_args=None, concurrency=16, max_active_runs=16, dagrun_timeout=None,
                 sla_miss_callback=None, default_view=None, orientation="LR", catchup=True,
                 on_success_callback=None, on_failure_callback=None, doc_md=None, params=None,
                 access_control=None, is_paused_upon_creation=None, jinja_environment_kwargs=None,
                 tags=None):
        validate_key(dag_id)
        self.dag_id = dag_id
        self.default_args = dict(default_args or {})
        self.params = params or {}
        self.task_dict = {}
        self.is_subdag = False
        self.parent_dag = None
        self.start_date = start_date
        self.schedule_interval = schedule_interval
        self._old_context = None
        self.doc_md = doc_md
        self.tags = tags

    def __enter__(self):
        self._old_context = _CONTEXT[0]
        _CONTEXT[0] = self
        return self

    def __exit__(self, *a):
        _CONTEXT[0] = self._old_context

    def add_task(self, task):
        if not self.start_date and not getattr(task, "start_date", None):
            raise AirflowException("Task is missing the start_date parameter")
        if task.task_id in self.task_dict:
            warnings.warn("duplicate")
        else:
            self.task_dict[task.task_id] = task
            task._dag = self

    def add_tasks(self, tasks):
        for t in tasks:
            self.add_task(t)

    @property
    def tasks(self):
        return list(self.task_dict.values())

    @property
    def task_ids(self):
        return list(self.task_dict.keys())

    def get_task(self, task_id):
        if task_id in self.task_dict:
            return self.task_dict[task_id]
        raise AirflowException("Task {task_id} not found".format(task_id=task_id))

    def has_task(self, task_id):
        return task_id in self.task_dict

    @property
    def subdags(self):
        out = []
        for task in self.tasks:
            if isinstance(task, SubDagOperator) or type(task).__name__ == "SubDagOperator":
                out.append(task.subdag)
                out += task.subdag.subdags
        return out

    def test_cycle(self):
        state = {}

        def visit(tid):
            if state.get(tid) == 1:
                raise AirflowException("Cycle detected in DAG. Faulty task: " + tid)
            if state.get(tid) == 2:
                return
            state[tid] = 1
            for d in self.task_dict[tid]._downstream_task_ids:
                if d in self.task_dict:
                    visit(d)
            state[tid] = 2

        for tid in list(self.task_dict):
            visit(tid)

    def set_dependency(self, upstream_task_id, downstream_task_id):
        self.get_task(upstream_task_id).set_downstream(self.get_task(downstream_task_id))

    @property
    def folder(self):
        return "/dags"

    @property
    def filepath(self):
        return "dag.py"

    def __getattr__(self, k):
        if k.startswith("__"):
            raise AttributeError(k)
        return Anything("dag." + k)

    def __repr__(self):
        return "<DAG: %s>" % self.dag_id


def apply_defaults(f):
    return f


class BaseOperator:
    template_fields = ()
    ui_color = "#fff"

    def __init__(self, task_id=None, *args, **kwargs):
        dag = kwargs.get("dag") or _CONTEXT[0]
        default_args = {}
        if dag is not None and not isinstance(dag, Anything):
            default_args = dict(dag.default_args)
        if kwargs.get("default_args"):
            default_args.update(kwargs["default_args"])
        if task_id is None:
            task_id = default_args.get("task_id")
        if task_id is None:
            raise AirflowException("Argument ['task_id'] is required")
        validate_key(task_id)
        self.task_id = task_id
        self.start_date = kwargs.get("start_date", default_args.get("start_date"))
        for k, v in default_args.items():
            if k not in kwargs and k not in ("task_id", "dag", "start_date"):
                kwargs[k] = v
        self._upstream_task_ids = set()
        self._downstream_task_ids = set()
        self._dag = None
        self.params = kwargs.get("params") or {}
        for k, v in kwargs.items():
            if k not in ("dag", "task_id", "start_date"):
                try:
                    object.__setattr__(self, k, v)
                except Exception:
                    pass
        if dag is not None and not isinstance(dag, Anything):
            self.dag = dag

    def __getattr__(self, k):
        if k.startswith("__"):
            raise AttributeError(k)
        return Anything("task." + k)

    def has_dag(self):
        return getattr(self, "_dag", None) is not None

    @property
    def dag(self):
        if self._dag is not None:
            return self._dag
        raise AirflowException("Operator {} has not been assigned to a DAG yet".format(self))

    @dag.setter
    def dag(self, dag):
        if not isinstance(dag, DAG):
            raise TypeError("Expected DAG; received {}".format(dag.__class__.__name__))
        elif self.has_dag() and self.dag is not dag:
            raise AirflowException("The DAG assigned to {} can not be changed.".format(self))
        elif self.task_id not in dag.task_dict:
            dag.add_task(self)
        self._dag = dag

    @property
    def dag_id(self):
        return self._dag.dag_id if self.has_dag() else "adhoc_owner"

    def _set_relatives(self, task_or_task_list, upstream=False):
        try:
            task_list = list(task_or_task_list)
        except TypeError:
            task_list = [task_or_task_list]
        for t in task_list:
            if not isinstance(t, BaseOperator):
                raise AirflowException("Relationships can only be set between Operators; "
                                       "received {}".format(t.__class__.__name__))
        dags = {t._dag.dag_id: t._dag for t in [self] + task_list if t.has_dag()}
        if len(dags) > 1:
            raise AirflowException("Tried to set relationships between tasks in more than one DAG")
        elif len(dags) == 1:
            dag = dags.popitem()[1]
        else:
            raise AirflowException("Tried to create relationships between tasks that don't have "
                                   "DAGs yet.")
        if dag and not self.has_dag():
            self.dag = dag
        for task in task_list:
            if dag and not task.has_dag():
                task.dag = dag
            if upstream:
                task._downstream_task_ids.add(self.task_id)
                self._upstream_task_ids.add(task.task_id)
            else:
                self._downstream_task_ids.add(task.task_id)
                task._upstream_task_ids.add(self.task_id)

    def set_downstream(self, t):
        self._set_relatives(t, upstream=False)

    def set_upstream(self, t):
        self._set_relatives(t, upstream=True)

    def _shift(self, other, upstream):
        """`>>` and `<<`: with a DAG, 1.10 assigns the DAG to the task."""
        if isinstance(other, DAG):
            if not (self.has_dag() and self.dag is other):
                self.dag = other
        else:
            self._set_relatives(other, upstream=upstream)
        return other

    def __rshift__(self, other):
        return self._shift(other, upstream=False)

    def __lshift__(self, other):
        return self._shift(other, upstream=True)

    def __rrshift__(self, other):
        self.__lshift__(other)
        return self

    def __rlshift__(self, other):
        self.__rshift__(other)
        return self

    @property
    def upstream_list(self):
        return [self._dag.get_task(t) for t in self._upstream_task_ids]

    @property
    def downstream_list(self):
        return [self._dag.get_task(t) for t in self._downstream_task_ids]

    def __repr__(self):
        return "<Task(%s): %s>" % (type(self).__name__, self.task_id)


class SubDagOperator(BaseOperator):
    def __init__(self, subdag=None, executor=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not isinstance(subdag, DAG):
            raise AirflowException("subdag must be a DAG")
        dag = kwargs.get("dag") or _CONTEXT[0]
        if dag is not None and subdag.dag_id != dag.dag_id + "." + self.task_id:
            raise AirflowException("The subdag's dag_id should have the form "
                                   "'{{parent_dag_id}}.{{this_task_id}}'.")
        self.subdag = subdag


def chain(*tasks):
    for up, down in zip(tasks[:-1], tasks[1:]):
        if isinstance(up, (list, tuple)) and isinstance(down, (list, tuple)):
            if len(up) != len(down):
                raise AirflowException("Chain not supported different length Iterable")
            for u, d in zip(up, down):
                u.set_downstream(d)
        elif isinstance(up, (list, tuple)):
            for u in up:
                u.set_downstream(down)
        else:
            up.set_downstream(down)


def cross_downstream(from_tasks, to_tasks):
    for t in from_tasks:
        t.set_downstream(to_tasks)


def days_ago(n, hour=0, minute=0, second=0, microsecond=0):
    today = _dt.datetime(2021, 6, 1)
    return today - _dt.timedelta(days=n)


class Variable:
    @classmethod
    def get(cls, key, default_var="__nodefault__", deserialize_json=False):
        if default_var != "__nodefault__":
            return default_var
        return Anything("Variable.get(%r)" % (key,))

    @classmethod
    def set(cls, *a, **k):
        pass

    @classmethod
    def setdefault(cls, key, default, deserialize_json=False):
        return default


class TriggerRule:
    ALL_SUCCESS = "all_success"
    ALL_FAILED = "all_failed"
    ALL_DONE = "all_done"
    ONE_SUCCESS = "one_success"
    ONE_FAILED = "one_failed"
    NONE_FAILED = "none_failed"
    NONE_FAILED_OR_SKIPPED = "none_failed_or_skipped"
    NONE_SKIPPED = "none_skipped"
    DUMMY = "dummy"


SPECIAL = {
    "DAG": DAG, "BaseOperator": BaseOperator, "SubDagOperator": SubDagOperator,
    "apply_defaults": apply_defaults, "chain": chain, "cross_downstream": cross_downstream,
    "days_ago": days_ago, "Variable": Variable, "TriggerRule": TriggerRule,
    "AirflowException": AirflowException,
}

_CLASSES = {}


def airflow_name(module, name):
    if name in SPECIAL:
        return SPECIAL[name]
    if name.endswith("Exception") or name.endswith("Error"):
        return type(name, (AirflowException,), {})
    if re.search(r"(Operator|Sensor)$", name) and name[0].isupper():
        key = (module, name)
        if key not in _CLASSES:
            _CLASSES[key] = type(name, (BaseOperator,), {"__module__": module})
        return _CLASSES[key]
    if name and name[0].isupper():
        return type(name, (MockBase,), {"__module__": module})
    return Anything(module + "." + name)


class AirflowModule(types.ModuleType):
    def __call__(self, *a, **k):
        return Anything(self.__name__ + "()")

    def __getattr__(self, k):
        if k.startswith("__"):
            raise AttributeError(k)
        if k not in SPECIAL and k[:1].islower():
            import importlib
            v = importlib.import_module(self.__name__ + "." + k)
        else:
            v = airflow_name(self.__name__, k)
        setattr(self, k, v)
        return v


class MockModule(types.ModuleType):
    def __getattr__(self, k):
        if k.startswith("__"):
            raise AttributeError(k)
        if re.search(r"(Operator|Sensor|Transfer)$", k):
            v = type(k, (BaseOperator,), {"__module__": self.__name__})
        elif k and k[0].isupper() and not k.isupper():
            v = type(k, (MockBase,), {"__module__": self.__name__})
        else:
            v = Anything(self.__name__ + "." + k)
        setattr(self, k, v)
        return v


class Loader(importlib.abc.Loader):
    def __init__(self, cls):
        self.cls = cls

    def create_module(self, spec):
        m = self.cls(spec.name)
        m.__path__ = []
        return m

    def exec_module(self, module):
        pass


# Modules Airflow 1.10 does not have (2.x only): importing them raises ImportError.
AIRFLOW2_ONLY = ("airflow.operators.bash", "airflow.operators.python", "airflow.operators.empty",
                 "airflow.providers", "airflow.decorators", "airflow.utils.task_group",
                 "airflow.sensors.base", "airflow.timetables", "airflow.datasets")


class AirflowFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if any(name == m or name.startswith(m + ".") for m in AIRFLOW2_ONLY):
            raise ModuleNotFoundError("No module named %r" % name, name=name)
        if name == "airflow" or name.startswith("airflow."):
            return importlib.machinery.ModuleSpec(name, Loader(AirflowModule), is_package=True)
        return None


class FallbackFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        f = sys._getframe(1)
        while f is not None and f.f_code.co_filename.startswith("<frozen"):
            f = f.f_back
        if f is None or f.f_code.co_filename != DAG_PATH[0]:
            return None
        MOCKED.append("module " + name)
        return importlib.machinery.ModuleSpec(name, Loader(MockModule), is_package=True)


def main():
    path = sys.argv[1]
    DAG_PATH[0] = path
    sys.meta_path.insert(0, AirflowFinder())
    sys.meta_path.append(FallbackFinder())
    sys.argv = [path]

    class Env(dict):  # a variable the environment lacks reads as a placeholder
        def __missing__(self, k):
            return "MOCK_" + k

    os.environ = Env(os.environ)
    out = {"dags": [], "error": None, "mocked": []}
    try:
        src = open(path, "rb").read()
        code = compile(src, path, "exec")
        mod = types.ModuleType("unusual_prefix_dag")
        mod.__file__ = path
        sys.modules["unusual_prefix_dag"] = mod
        signal.alarm(10)
        exec(code, mod.__dict__)
        signal.alarm(0)
    except BaseException as e:  # noqa
        out["error"] = "%s: %s" % (type(e).__name__, str(e)[:200])
        print(json.dumps(out))
        return
    bag = {}
    for o in list(mod.__dict__.values()):
        if isinstance(o, DAG):
            try:
                o.test_cycle()
                subs = o.subdags
                for s in subs:
                    s.test_cycle()
                bag[o.dag_id] = o
                for s in subs:
                    bag[s.dag_id] = s
            except AirflowException as e:
                out["error"] = "cycle: " + str(e)
    for d in bag.values():
        tasks = [[t.task_id, type(t).__name__] for t in d.task_dict.values()]
        edges = set()
        for t in d.task_dict.values():
            for x in t._downstream_task_ids:
                edges.add((t.task_id, x))
            for x in t._upstream_task_ids:
                edges.add((x, t.task_id))
        out["dags"].append({"dag_id": d.dag_id, "tasks": tasks, "edges": sorted(edges)})
    out["mocked"] = sorted(set(MOCKED))[:50]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
