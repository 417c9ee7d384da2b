from datetime import datetime
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
import textwrap
dag = DAG("k01", start_date=datetime(2020, 1, 1))
texts = ["  a\n    b\n  c", "\ta\n\t\tb", "  x\n \n  y\n", "    p\n  q\n      r", "no\n  indent", "  \n  z", " \t m\n \t n"]
for i, t in enumerate(texts):
    DummyOperator(task_id="t%d_" % i + textwrap.dedent(t).replace("\n", "N").replace(" ", "S").replace("\t", "T"), dag=dag)
def logged(fn):
    def wrapper(*a, **k):
        return fn(*a, **k) + "_logged"
    return wrapper
def prefix(p):
    def deco(fn):
        return lambda *a: p + fn(*a)
    return deco
@prefix("pre_")
@logged
def name(x):
    return x
DummyOperator(task_id=name("n"), dag=dag)
def tables():
    yield "t1"
    for t in ["t2", "t3"]:
        if t != "t3":
            yield t
    yield from ["t4", "t5"]
    return
    yield "never"
for t in tables():
    DummyOperator(task_id="g_" + t, dag=dag)
l = list("abcdef")
l[1:3] = ["X"]
l[-1:] = []
del l[:1]
l[10:] = ["Z"]
DummyOperator(task_id="".join(l), dag=dag)
