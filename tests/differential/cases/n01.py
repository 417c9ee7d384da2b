import os, glob, json
from datetime import datetime
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
dag = DAG("n01", start_date=datetime(2020, 1, 1))
HERE = os.path.dirname(os.path.abspath(__file__))
SQL = os.path.join(HERE, "sql")
for f in sorted(os.listdir(SQL)):
    if f.endswith(".sql"):
        DummyOperator(task_id="ls_" + f[:-4], dag=dag)
for p in sorted(glob.glob(os.path.join(SQL, "*.sql"))):
    DummyOperator(task_id="glob_" + os.path.basename(p).split(".")[0], dag=dag)
with open(os.path.join(HERE, "configs", "c.json")) as fh:
    cfg = json.load(fh)
for t in cfg["tables"]:
    DummyOperator(task_id="cfg_" + t, dag=dag)
