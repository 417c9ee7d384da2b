"""
Multi-touch marketing attribution (marketing analytics).

Builds the touchpoint table, runs the three attribution models and checks the output
tables. The cache flush runs no matter what, so a failed run does not leave stale
numbers in the dashboard cache.
"""
from datetime import timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator

from common.default_args import build_default_args
from common.task_factory import make_bash_task, make_row_count_check

MODELS = ('first_touch', 'last_touch', 'time_decay')

default_args = build_default_args('marketing-analytics', retries=2,
                                  retry_delay=timedelta(minutes=15))

with DAG('marketing_attribution', default_args=default_args,
         schedule_interval='@daily', catchup=True, max_active_runs=3) as dag:

    touchpoints = make_bash_task(
        dag, 'build_touchpoints',
        'attribution touchpoints --date {{ ds }} --lookback-days 30',
    )

    flush_cache = BashOperator(
        task_id='flush_dashboard_cache',
        bash_command='curl -fsS -X POST https://dash.internal.acme.example.com/api/cache/flush?tag=attribution',
        bash_timeout=10,
        trigger_rule='dummy',
    )

    for model in MODELS:
        run_model = make_bash_task(
            dag, 'model_%s' % model,
            'attribution run --model %s --date {{ ds }}' % model,
        )
        check = make_row_count_check(dag, 'marketing.attribution_%s' % model, min_rows=1000)
        touchpoints >> run_model >> check >> flush_cache
