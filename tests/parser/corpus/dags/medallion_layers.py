"""
Bronze -> silver -> gold builds, then the gold reports in alphabetical order
(they share one warehouse slot, so they run one after another).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator

LAYERS = ['bronze', 'silver', 'gold']
TEAMS = ['ingest', 'modeling', 'bi']
REPORTS = ['revenue', 'churn', 'acquisition', 'retention']

default_args = {
    'owner': 'analytics-eng',
    'start_date': datetime(2021, 3, 1),
    'retries': 1,
}

with DAG('medallion_layers', default_args=default_args,
         schedule_interval=timedelta(hours=12)) as dag:
    previous = None
    for position, (layer, team) in enumerate(zip(LAYERS, TEAMS), start=1):
        build = BashOperator(
            task_id='{}_{}_{}'.format(position, layer, team),
            bash_command='dbt run --models tag:{} --vars "{{ds: {{{{ ds }}}}}}"'.format(layer),
            owner=team,
        )
        if previous is not None:
            previous >> build
        previous = build

    for report in sorted(REPORTS):
        refresh = BashOperator(
            task_id=f'report_{report}',
            bash_command=f'reports refresh {report} --date {{{{ ds }}}}',
        )
        previous >> refresh
        previous = refresh
