import glob, os
from datetime import datetime
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
dag = DAG("globs", start_date=datetime(2020, 1, 1))
D = os.path.dirname(os.path.abspath(__file__))
for i, p in enumerate(['*.sql','sub/*.sql','*/*.sql','*/*/*.sql','[ab].*','[!a]*','?.sql','*','.*']):
    r = sorted(os.path.relpath(x, D) for x in glob.glob(os.path.join(D, p)))
    DummyOperator(task_id="g%d_" % i + "_".join(r).replace("/", ".").replace("[", "L").replace("]", "R"), dag=dag)
