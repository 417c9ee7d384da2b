"""
Per-country export DAGs.

NOTE: known bug (DATA-1432): `dag` is rebound on every iteration and nothing else keeps
the earlier DAG objects, so only the last country's DAG shows up in Airflow.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash_operator import BashOperator

COUNTRIES = ['de', 'fr', 'es']

default_args = {
    'owner': 'emea-bi',
    'start_date': datetime(2021, 4, 1),
}

for country in COUNTRIES:
    dag = DAG(
        f'country_export_{country}',
        default_args=default_args,
        schedule_interval='0 1 * * *',
    )
    with dag:
        export = BashOperator(
            task_id='export',
            bash_command=f'bi-export --country {country} --date {{{{ ds }}}}',
        )
        upload = BashOperator(
            task_id='upload',
            bash_command=f'bi-upload --country {country} --date {{{{ ds }}}}',
        )
        export >> upload
