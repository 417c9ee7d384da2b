"""
Rebuild the monthly rollups for Q1+April, oldest first (each month reads the previous one).
Triggered manually.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.postgres_operator import PostgresOperator

MONTHS = ['2021-01', '2021-02', '2021-03', '2021-04']

default_args = {
    'owner': 'warehouse',
    'start_date': datetime(2021, 5, 1),
    'postgres_conn_id': 'warehouse',
}

with DAG('monthly_rollups', default_args=default_args, schedule_interval=None) as dag:
    rollups = []
    for month in MONTHS:
        rollups.append(
            PostgresOperator(
                task_id='rollup_' + month.replace('-', '_'),
                sql='SELECT rollup_month(%(month)s)',
                parameters={'month': month},
            )
        )

    for i in range(len(rollups) - 1):
        rollups[i] >> rollups[i + 1]

    vacuum = PostgresOperator(
        task_id='vacuum_rollups',
        sql='VACUUM ANALYZE rollups',
        autocommit=True,
    )
    rollups[-1] >> vacuum
