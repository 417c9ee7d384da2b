"""
Daily sales feed to ACME (vendor operations).

Extracts yesterday's sell-through per store to S3 and pushes it to the ACME partner
feed with the in-house plugin operator.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.acme_plugin import AcmeOperator
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator

default_args = {
    'owner': 'vendor-ops',
    'start_date': datetime(2020, 12, 1),
    'retries': 2,
    'retry_delay': timedelta(minutes=20),
}

with DAG('acme_vendor_load', default_args=default_args, schedule_interval='0 7 * * *', catchup=False) as dag:
    begin = DummyOperator(task_id='begin')

    extract = BashOperator(
        task_id='extract_sell_through',
        bash_command=(
            'sales-extract --view vendor.sell_through_acme --date {{ ds }} '
            '| gzip | aws s3 cp - s3://acme-partner-exports/sell_through/{{ ds_nodash }}.csv.gz'
        ),
    )

    push = AcmeOperator(
        task_id='push_sell_through',
        feed='sell_through',
        s3_key='sell_through/{{ ds_nodash }}.csv.gz',
    )

    end = DummyOperator(task_id='end')

    begin >> extract >> push >> end
