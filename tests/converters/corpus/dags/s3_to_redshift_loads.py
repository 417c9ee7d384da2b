"""
Raw S3 -> Redshift loads for the payments domain (warehouse team).

One sensor + COPY + analyze per table. The exporters write
incoming/<table>_<part>.gz; the landing bucket differs per environment and is kept in an
Airflow Variable. A lifecycle rule moves loaded files to archive/ every night.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.operators.s3_to_redshift_operator import S3ToRedshiftTransfer
from airflow.sensors.s3_key_sensor import S3KeySensor

try:
    from airflow.operators.postgres_operator import PostgresOperator
except ImportError:
    from airflow.operators import PostgresOperator

LANDING_BUCKET = Variable.get('payments_landing_bucket', default_var='acme-payments-landing')

TABLES = {
    'payments': {'copy_options': ['CSV', 'GZIP', 'IGNOREHEADER 1']},
    'refunds': {'copy_options': ['CSV', 'GZIP', 'IGNOREHEADER 1']},
    'chargebacks': {'copy_options': ["FORMAT AS JSON 'auto'", 'GZIP']},
}

default_args = {
    'owner': 'warehouse',
    'start_date': datetime(2020, 5, 1),
    'retries': 2,
    'retry_delay': timedelta(minutes=10),
}

dag = DAG('s3_to_redshift_loads', default_args=default_args,
          schedule_interval='0 3 * * *', catchup=False, max_active_runs=1)

for table, opts in TABLES.items():
    wait = S3KeySensor(
        task_id='wait_for_{}'.format(table),
        bucket_name=LANDING_BUCKET,
        bucket_key='incoming/{}_*.gz'.format(table),
        wildcard_match=True,
        poke_interval=300,
        timeout=4 * 3600,
        dag=dag,
    )
    copy = S3ToRedshiftTransfer(
        task_id='copy_{}'.format(table),
        schema='raw_payments',
        table=table,
        s3_bucket=LANDING_BUCKET,
        s3_key='incoming',
        redshift_conn_id='redshift_default',
        aws_conn_id='aws_default',
        copy_options=opts['copy_options'],
        dag=dag,
    )
    analyze = PostgresOperator(
        task_id='analyze_{}'.format(table),
        postgres_conn_id='redshift_default',
        sql='ANALYZE raw_payments.{};'.format(table),
        dag=dag,
    )
    wait >> copy >> analyze
