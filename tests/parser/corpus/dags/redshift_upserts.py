"""
Stage S3 exports into Redshift and merge them into the public tables, using the
in-repo operators from common/operators.py.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.s3_to_redshift_operator import S3ToRedshiftTransfer

from common import operators as custom
from common.constants import S3_BUCKET
from common.operators import RedshiftUpsertOperator

UPSERT_KEYS = {
    'orders': ['order_id'],
    'order_items': ['order_id', 'line_no'],
}

default_args = {
    'owner': 'warehouse',
    'start_date': datetime(2019, 12, 1),
    'retries': 2,
    'retry_delay': timedelta(minutes=5),
    'redshift_conn_id': 'redshift_default',
}

with DAG('redshift_upserts', default_args=default_args, schedule_interval='0 */2 * * *',
         catchup=False) as dag:
    final_checks = custom.DataQualityOperator(
        task_id='final_checks',
        checks=[
            ('SELECT COUNT(*) FROM public.orders WHERE order_id IS NULL', 0),
            ('SELECT COUNT(*) FROM public.order_items WHERE order_id IS NULL', 0),
        ],
    )

    for table, keys in UPSERT_KEYS.items():
        stage = S3ToRedshiftTransfer(
            task_id=f'stage_{table}',
            schema='staging',
            table=table,
            s3_bucket=S3_BUCKET,
            s3_key='exports',
            copy_options=['FORMAT AS PARQUET'],
        )
        upsert = RedshiftUpsertOperator(
            task_id=f'upsert_{table}',
            target_table=f'public.{table}',
            staging_table=f'staging.{table}',
            key_columns=keys,
        )
        stage >> upsert >> final_checks
