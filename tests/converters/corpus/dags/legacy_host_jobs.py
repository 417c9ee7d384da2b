"""
Jobs that still run on the old reporting host (IT operations).

The cron jobs of rpt-01 were moved into Airflow as-is; each one is started over SSH.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.contrib.operators.ssh_operator import SSHOperator
from airflow.operators.dummy_operator import DummyOperator

RPT_SSH_CONN = 'ssh_rpt01'

JOBS = [
    ('refresh_cubes', '/opt/reports/bin/refresh_cubes.sh {{ ds }}'),
    ('export_pdf_reports', '/opt/reports/bin/export_pdf.sh --date {{ ds }} --all'),
    ('cleanup_spool', 'find /var/spool/reports -mtime +30 -delete'),
]

default_args = {
    'owner': 'it-ops',
    'start_date': datetime(2019, 11, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=30),
}

dag = DAG('legacy_host_jobs', default_args=default_args,
          schedule_interval='0 2 * * *', catchup=False)

start = DummyOperator(task_id='start', dag=dag)

previous = start
for name, command in JOBS:
    job = SSHOperator(
        task_id=name,
        ssh_conn_id=RPT_SSH_CONN,
        command=command,
        dag=dag,
    )
    previous >> job
    previous = job
