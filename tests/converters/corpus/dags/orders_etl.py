"""
Daily orders ETL (commerce team).

The shop exports yesterday's orders to S3 around 01:00 UTC. We stage the file in
Redshift, upsert it into analytics.fact_orders and refresh the daily totals that the
finance dashboards read.
"""
from datetime import timedelta

from airflow import DAG
from airflow.hooks.postgres_hook import PostgresHook
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.postgres_operator import PostgresOperator
from airflow.operators.python_operator import PythonOperator
from airflow.sensors.s3_key_sensor import S3KeySensor
from airflow.utils.dates import days_ago

S3_BUCKET = 'acme-shop-exports'
REDSHIFT_CONN_ID = 'redshift_default'

default_args = {
    'owner': 'commerce-data',
    'depends_on_past': False,
    'start_date': days_ago(1),
    'email': ['commerce-data@acme.example.com'],
    'email_on_failure': True,
    'retries': 2,
    'retry_delay': timedelta(minutes=10),
    'provide_context': True,
}

COPY_STAGING_SQL = """
TRUNCATE staging.orders;
COPY staging.orders
FROM 's3://acme-shop-exports/orders/{{ ds_nodash }}/orders.csv.gz'
IAM_ROLE 'arn:aws:iam::123456789012:role/redshift-copy'
CSV GZIP IGNOREHEADER 1
TIMEFORMAT 'auto';
"""

UPSERT_SQL = """
BEGIN;
DELETE FROM analytics.fact_orders
 USING staging.orders s
 WHERE analytics.fact_orders.order_id = s.order_id;
INSERT INTO analytics.fact_orders
SELECT order_id, customer_id, order_ts, currency, amount, '{{ ds }}'::date AS load_date
  FROM staging.orders;
COMMIT;
"""


def compute_daily_totals(**context):
    """Aggregate the day's orders and push the total to XCom for the report task."""
    hook = PostgresHook(postgres_conn_id=REDSHIFT_CONN_ID)
    total, n_orders = hook.get_first(
        "SELECT COALESCE(SUM(amount), 0), COUNT(*) FROM analytics.fact_orders WHERE load_date = %s",
        parameters=(context['ds'],),
    )
    print("orders on %s: %d (total %.2f)" % (context['ds'], n_orders, total))
    return {'total': float(total), 'orders': int(n_orders)}


with DAG(
    dag_id='orders_etl',
    default_args=default_args,
    description='Shop orders -> Redshift analytics.fact_orders',
    schedule_interval='@daily',
    catchup=False,
    max_active_runs=1,
) as dag:

    wait_for_export = S3KeySensor(
        task_id='wait_for_orders_export',
        bucket_name=S3_BUCKET,
        bucket_key='orders/{{ ds_nodash }}/_SUCCESS',
        aws_conn_id='aws_default',
        poke_interval=5 * 60,
        timeout=6 * 60 * 60,
    )

    # sanity check on the raw file before we touch the warehouse
    check_file = BashOperator(
        task_id='check_export_file',
        bash_command=(
            "aws s3 ls s3://{{ params.bucket }}/orders/{{ ds_nodash }}/orders.csv.gz "
            "| awk '{ if ($3 < 1024) exit 1 }'"
        ),
        params={'bucket': S3_BUCKET},
    )

    load_staging = PostgresOperator(
        task_id='load_staging',
        postgres_conn_id=REDSHIFT_CONN_ID,
        sql=COPY_STAGING_SQL,
    )

    upsert_orders = PostgresOperator(
        task_id='upsert_fact_orders',
        postgres_conn_id=REDSHIFT_CONN_ID,
        sql=UPSERT_SQL,
        autocommit=True,
    )

    daily_totals = PythonOperator(
        task_id='compute_daily_totals',
        python_callable=compute_daily_totals,
    )

    refresh_mv = PostgresOperator(
        task_id="refresh_order_summary",
        postgres_conn_id=REDSHIFT_CONN_ID,
        sql="REFRESH MATERIALIZED VIEW analytics.mv_order_summary;",
    )

    done = DummyOperator(task_id='done')

    wait_for_export >> check_file >> load_staging >> upsert_orders
    upsert_orders >> [daily_totals, refresh_mv] >> done
