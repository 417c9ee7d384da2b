"""
Pushes the day's order and inventory deltas to the partner API once it reports healthy.
"""
import json
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.http_operator import SimpleHttpOperator
from airflow.sensors.http_sensor import HttpSensor

SERVICES = ['orders', 'inventory']

default_args = {
    'owner': 'integrations',
    'start_date': datetime(2020, 10, 12),
    'retries': 3,
    'retry_delay': timedelta(minutes=1),
}

dag = DAG('partner_api_sync', default_args=default_args, schedule_interval=timedelta(hours=1))

start = DummyOperator(task_id='start', dag=dag)

health_checks = []
for service in SERVICES:
    healthy = HttpSensor(
        task_id='%s_api_healthy' % service,
        http_conn_id='partner_api',
        endpoint='%s/health' % service,
        response_check=lambda response: response.status_code == 200,
        poke_interval=60,
        timeout=15 * 60,
        dag=dag,
    )
    sync = SimpleHttpOperator(
        task_id='sync_%s' % service,
        http_conn_id='partner_api',
        endpoint='%s/sync' % service,
        method='POST',
        data=json.dumps({'date': '{{ ds }}', 'hour': '{{ execution_date.hour }}'}),
        headers={'Content-Type': 'application/json'},
        dag=dag,
    )
    healthy.set_downstream(sync)
    health_checks.append(healthy)

start.set_downstream(health_checks)
