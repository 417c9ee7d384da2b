"""Nightly Redshift load.

Waits for the customer events partition and for the upstream systems' exports, COPYs each
export into ``staging`` and merges staging into ``core``.
"""
from datetime import timedelta

from airflow.models import DAG
from airflow.providers.postgres.operators.postgres import PostgresOperator
from airflow.providers.amazon.aws.transfers.s3_to_redshift import S3ToRedshiftOperator
from airflow.sensors.external_task import ExternalTaskSensor
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor
import pendulum

from common import build_default_args
from common.constants import AWS_CONN_ID, DATA_LAKE_BUCKET, LANDING_BUCKET, REDSHIFT_CONN_ID

default_args = build_default_args('data-eng', retries=1, sla=timedelta(hours=4))

# Upstream exports: table -> prefix in the landing bucket.
EXPORTS = {
    'customers': 'exports/crm/customers',
    'orders': 'exports/shop/orders',
    'order_items': 'exports/shop/order_items',
    'products': 'exports/catalog/products',
}

dag = DAG(
    'warehouse_load',
    default_args=default_args,
    description='S3 exports -> Redshift staging -> core',
    schedule='30 1 * * *',
    start_date=pendulum.datetime(2023, 12, 31, tz="UTC"),
    catchup=False,
    max_active_tasks=4,
)

# customer_events_etl runs at 00:00, we run at 01:30.
wait_for_events = ExternalTaskSensor(
    task_id='wait_for_customer_events',
    external_dag_id='customer_events_etl',
    external_task_id='publish_partition',
    execution_delta=timedelta(hours=1, minutes=30),
    timeout=3 * 60 * 60,
    mode='reschedule',
    dag=dag,
)

load_events = S3ToRedshiftOperator(
    task_id='load_customer_events',
    schema='staging',
    table='customer_events',
    s3_bucket=DATA_LAKE_BUCKET,
    s3_key='events/customer/dt={{ ds }}',
    redshift_conn_id=REDSHIFT_CONN_ID,
    aws_conn_id=AWS_CONN_ID,
    copy_options=['FORMAT AS PARQUET'],
    dag=dag,
)
load_events.set_upstream(wait_for_events)

merge_core = PostgresOperator(
    task_id='merge_into_core',
    postgres_conn_id=REDSHIFT_CONN_ID,
    sql=[
        'CALL core.merge_staging(%(ds)s);',
        'TRUNCATE staging.customers, staging.orders, staging.order_items, staging.products;',
    ],
    parameters={'ds': '{{ ds }}'},
    autocommit=True,
    dag=dag,
)
merge_core.set_upstream(load_events)

for table, prefix in EXPORTS.items():
    wait = S3KeySensor(
        task_id='wait_for_{}_export'.format(table),
        bucket_name=LANDING_BUCKET,
        bucket_key='{}/{{{{ ds_nodash }}}}/_SUCCESS'.format(prefix),
        aws_conn_id=AWS_CONN_ID,
        poke_interval=5 * 60,
        timeout=6 * 60 * 60,
        mode='reschedule',
        dag=dag,
    )
    load = S3ToRedshiftOperator(
        task_id='load_' + table,
        schema='staging',
        table=table,
        s3_bucket=LANDING_BUCKET,
        s3_key=prefix + '/{{ ds_nodash }}',
        redshift_conn_id=REDSHIFT_CONN_ID,
        aws_conn_id=AWS_CONN_ID,
        copy_options=['CSV', 'IGNOREHEADER 1', "TIMEFORMAT 'auto'", 'GZIP'],
        dag=dag,
    )
    load.set_upstream(wait)
    merge_core.set_upstream(load)

analyze = PostgresOperator(
    task_id='analyze_tables',
    postgres_conn_id=REDSHIFT_CONN_ID,
    sql='ANALYZE core.customers; ANALYZE core.orders; ANALYZE core.customer_events;',
    dag=dag,
)
analyze.set_upstream(merge_core)
