"""
Daily PySpark jobs on an ephemeral Dataproc cluster.
"""
from airflow import models
from airflow.contrib.operators.dataproc_operator import (
    DataprocClusterCreateOperator,
    DataprocClusterDeleteOperator,
    DataProcPySparkOperator,
)
from airflow.utils.trigger_rule import TriggerRule

from common.constants import DAILY_AT_6, GCP_PROJECT
from common.default_args import build_default_args

CLUSTER_NAME = 'etl-{{ ds_nodash }}'
REGION = 'europe-west1'
JOBS = ['sessions', 'attribution']

dag = models.DAG(
    'dataproc_daily',
    default_args=build_default_args(owner='gcp-data', retries=2),
    schedule_interval=DAILY_AT_6,
)

create_cluster = DataprocClusterCreateOperator(
    task_id='create_cluster',
    project_id=GCP_PROJECT,
    cluster_name=CLUSTER_NAME,
    num_workers=4,
    zone='europe-west1-b',
    region=REGION,
    master_machine_type='n1-standard-8',
    worker_machine_type='n1-highmem-8',
    dag=dag,
)

delete_cluster = DataprocClusterDeleteOperator(
    task_id='delete_cluster',
    project_id=GCP_PROJECT,
    cluster_name=CLUSTER_NAME,
    region=REGION,
    trigger_rule=TriggerRule.ALL_DONE,
    dag=dag,
)

for job in JOBS:
    run_job = DataProcPySparkOperator(
        task_id='run_%s_job' % job,
        main='gs://acme-dataproc-jobs/%s.py' % job,
        arguments=['--date', '{{ ds }}'],
        cluster_name=CLUSTER_NAME,
        region=REGION,
        dag=dag,
    )
    create_cluster >> run_job >> delete_cluster
