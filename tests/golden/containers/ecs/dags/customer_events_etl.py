"""
Customer events ETL
===================

Copies yesterday's raw customer events from the landing bucket, validates them and writes
them to the data lake as partitioned Parquet.

Downstream: ``warehouse_load`` waits on ``publish_partition`` with an ExternalTaskSensor, so
keep that task id stable.
"""
import json
import logging
from datetime import timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator
import pendulum

from common.constants import DATA_LAKE_BUCKET, LANDING_BUCKET, SCRIPTS_DIR, TEAM_EMAIL

default_args = {
    'owner': 'data-eng',
    'depends_on_past': False,
    'email': TEAM_EMAIL,
    'email_on_failure': True,
    'email_on_retry': False,
    'retries': 3,
    'retry_delay': timedelta(minutes=10),
}

LOCAL_DIR = '/data/customer_events/{{ ds }}'
MAX_REJECT_RATIO = 0.01


def validate_schema(**context):
    """Reject the day when too many records miss a required field."""
    manifest_path = '/data/customer_events/{}/manifest.json'.format(context['ds'])
    with open(manifest_path) as f:
        manifest = json.load(f)
    total = manifest['records']
    rejected = manifest['rejected']
    logging.info('%s: %d records, %d rejected', context['ds'], total, rejected)
    if total == 0:
        raise ValueError('No customer events for {}'.format(context['ds']))
    if rejected / float(total) > MAX_REJECT_RATIO:
        raise ValueError('Reject ratio {:.2%} above limit'.format(rejected / float(total)))


def compute_daily_stats(templates_dict, **context):
    """Push per-event-type counts to XCom for the Parquet step and the daily report."""
    with open(templates_dict['manifest']) as f:
        counts = json.load(f)['by_type']
    context['ti'].xcom_push(key='event_counts', value=counts)
    return sum(counts.values())


with DAG(
    dag_id='customer_events_etl',
    default_args=default_args,
    description='Raw customer events -> partitioned Parquet in the data lake',
    schedule='@daily',
    start_date=pendulum.datetime(2023, 12, 30, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    params={'env': 'prod'},
) as dag:

    extract_events = BashOperator(
        task_id='extract_events',
        bash_command=(
            'mkdir -p ' + LOCAL_DIR + ' && '
            'aws s3 sync s3://' + LANDING_BUCKET + '/customer_events/{{ ds_nodash }}/ ' + LOCAL_DIR + ' && '
            'python ' + SCRIPTS_DIR + '/events/manifest.py ' + LOCAL_DIR
        ),
    )

    validate = PythonOperator(
        task_id='validate_schema',
        python_callable=validate_schema,
    )

    stats = PythonOperator(
        task_id='compute_daily_stats',
        python_callable=compute_daily_stats,
        templates_dict={'manifest': LOCAL_DIR + '/manifest.json'},
    )

    # Yesterday's partition is rewritten too: late events arrive up to a day late.
    to_parquet = BashOperator(
        task_id='transform_to_parquet',
        bash_command="""
        set -euo pipefail
        for day in {{ macros.ds_add(ds, -1) }} {{ ds }}; do
            python {{ params.scripts }}/events/to_parquet.py \\
                --input /data/customer_events/$day \\
                --output s3://{{ params.bucket }}/events/customer/dt=$day \\
                --env {{ params.env }}
        done
        """,
        params={'scripts': SCRIPTS_DIR, 'bucket': DATA_LAKE_BUCKET},
        execution_timeout=timedelta(hours=1),
    )

    publish = BashOperator(
        task_id='publish_partition',
        bash_command='aws s3 cp - s3://{{ params.bucket }}/events/customer/dt={{ ds }}/_SUCCESS < /dev/null',
        params={'bucket': DATA_LAKE_BUCKET},
    )

    cleanup = BashOperator(
        task_id='cleanup_local_files',
        bash_command='rm -rf ' + LOCAL_DIR,
        trigger_rule='all_done',
    )

    extract_events >> [validate, stats] >> to_parquet >> publish >> cleanup
