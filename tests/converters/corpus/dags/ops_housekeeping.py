"""
Weekly housekeeping of the Airflow installation itself (platform ops).

Old habit from 2018: the tasks are created without a DAG and attached to it afterwards
with the bit-shift operator.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.postgres_operator import PostgresOperator

LOG_DIR = '/usr/local/airflow/logs'

dag = DAG(
    'ops_housekeeping',
    default_args={'owner': 'platform-ops', 'retries': 0},
    start_date=datetime(2019, 1, 6),
    schedule_interval='@weekly',
    catchup=False,
)

rotate_logs = BashOperator(
    task_id='rotate_worker_logs',
    bash_command='find %s -type f -name "*.log" -mtime +14 -delete' % LOG_DIR,
)

purge_xcom = PostgresOperator(
    task_id='purge_old_xcom',
    postgres_conn_id='airflow_db',
    sql="DELETE FROM xcom WHERE timestamp < NOW() - INTERVAL '30 days';",
)

vacuum_metadata = PostgresOperator(
    task_id='vacuum_metadata_db',
    postgres_conn_id='airflow_db',
    sql='VACUUM ANALYZE task_instance; VACUUM ANALYZE dag_run; VACUUM ANALYZE xcom;',
    autocommit=True,
)

dag >> rotate_logs
dag >> purge_xcom
dag >> vacuum_metadata

rotate_logs >> purge_xcom >> vacuum_metadata
