"""
Export the day's events in parallel shards, merge, then copy to the regional buckets
(APAC reads from the US copy).
"""
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.utils.dates import days_ago

from common.constants import REGIONS

NUM_SHARDS = 4

default_args = {
    "owner": "data-platform",
    "start_date": days_ago(3),
}

with DAG("events_export_sharded", default_args=default_args, schedule_interval="15 1 * * *") as dag:
    start = DummyOperator(task_id="start")

    shards = [
        BashOperator(
            task_id=f"export_shard_{n:02d}",
            bash_command=f"export-events --shard {n} --of {NUM_SHARDS} --date {{{{ ds }}}}",
        )
        for n in range(NUM_SHARDS)
    ]

    merge = BashOperator(task_id="merge_shards", bash_command="export-events merge --date {{ ds }}")

    regional_copies = [
        BashOperator(
            task_id="copy_to_" + region,
            bash_command="aws s3 sync s3://acme-events/{{ ds }}/ s3://acme-events-%s/{{ ds }}/" % region,
        )
        for region in REGIONS
        if region != "apac"
    ]

    start >> shards
    shards >> merge
    merge >> regional_copies
