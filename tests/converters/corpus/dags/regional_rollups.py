"""
Monthly regional finance roll-ups (finance analytics).

One sub-DAG per region, built by common.subdags.region_rollup_subdag; publish_rollups
refreshes the Tableau extract once every region is done.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.subdag_operator import SubDagOperator

from common.subdags import region_rollup_subdag

DAG_ID = "regional_rollups"
REGIONS = ["emea", "amer", "apac"]

default_args = {
    "owner": "finance-analytics",
    "start_date": datetime(2020, 1, 1),
    "retries": 1,
    "retry_delay": timedelta(minutes=30),
}

dag = DAG(
    DAG_ID,
    default_args=default_args,
    schedule_interval="@monthly",
    catchup=True,
    max_active_runs=1,
)

publish = BashOperator(
    task_id="publish_rollups",
    bash_command="tableau-refresh --datasource finance_rollups --month {{ ds[:7] }}",
    dag=dag,
)

for region in REGIONS:
    rollup = SubDagOperator(
        task_id="rollup_%s" % region,
        subdag=region_rollup_subdag(DAG_ID, "rollup_%s" % region, default_args, region),
        dag=dag,
    )
    rollup >> publish
