"""
Customer 360 refresh.

Started life with dag=dag on every operator; newer tasks were added inside `with dag:`.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator

DAG_ID = "customer_360_refresh"

default_args = {
    "owner": "crm",
    "start_date": datetime(2018, 11, 5),
    "retries": 1,
}

dag = DAG(DAG_ID, default_args=default_args, schedule_interval="0 2 * * *")

begin = DummyOperator(task_id="begin", dag=dag)

snapshot_crm = BashOperator(
    task_id="snapshot_crm",
    bash_command="crm-export --snapshot {{ ds }}",
    dag=dag,
)


def merge_profiles(**kwargs):
    print("merging profiles for", kwargs["ds"])


with dag:
    snapshot_support = BashOperator(
        task_id="snapshot_support_tickets",
        bash_command="zendesk-export --since {{ prev_ds }} --until {{ ds }}",
    )
    merge = PythonOperator(
        task_id="merge_profiles",
        python_callable=merge_profiles,
        provide_context=True,
    )
    publish = BashOperator(
        task_id="publish_to_crm",
        bash_command="crm-import --file /data/c360/{{ ds_nodash }}.parquet",
    )

begin >> snapshot_crm
begin >> snapshot_support
merge << [snapshot_crm, snapshot_support]
merge >> publish
