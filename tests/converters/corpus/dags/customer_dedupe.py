"""
Customer de-duplication (CRM data team).

A strict linear chain: snapshot -> block -> match -> merge -> publish. Written against
the module alias because the old helper scripts did the same.
"""
from datetime import datetime, timedelta

import airflow.operators.bash_operator as bo
from airflow import DAG
from airflow.utils.helpers import chain

CRM_BIN = "/opt/crm/bin"

dag = DAG(
    dag_id="customer_dedupe",
    default_args={
        "owner": "crm-data",
        "start_date": datetime(2020, 4, 1),
        "retries": 1,
        "retry_delay": timedelta(minutes=5),
    },
    schedule_interval="0 2 * * *",
    catchup=False,
)

snapshot = bo.BashOperator(
    task_id="snapshot_customers",
    bash_command=CRM_BIN + "/snapshot --table crm.customers --as-of {{ ds }}",
    dag=dag,
)

block = bo.BashOperator(
    task_id="build_blocking_keys",
    bash_command=CRM_BIN + "/dedupe block --keys email_norm,phone_e164,zip_lastname --as-of {{ ds }}",
    dag=dag,
)

match = bo.BashOperator(
    task_id="score_candidate_pairs",
    bash_command=CRM_BIN + "/dedupe match --threshold 0.92 --as-of {{ ds }}",
    env={"OMP_NUM_THREADS": "8"},
    dag=dag,
)

merge = bo.BashOperator(
    task_id="merge_golden_records",
    bash_command=CRM_BIN + '/dedupe merge --survivorship "most_recent,most_complete" --as-of {{ ds }}',
    dag=dag,
)

publish = bo.BashOperator(
    task_id="publish_customer_master",
    bash_command=CRM_BIN + "/publish --table crm.customer_master --as-of {{ ds }}",
    dag=dag,
)

chain(snapshot, block, match, merge, publish)
