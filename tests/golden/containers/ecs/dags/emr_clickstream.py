"""Clickstream sessionization on a transient EMR cluster.

Creates a cluster, runs the Spark jobs as steps one after the other (each watched by a step
sensor), and always terminates the cluster, even when a step fails.
"""
from datetime import timedelta

from airflow import DAG
from airflow.providers.amazon.aws.operators.emr import EmrAddStepsOperator
from airflow.providers.amazon.aws.operators.emr import EmrCreateJobFlowOperator
from airflow.providers.amazon.aws.operators.emr import EmrTerminateJobFlowOperator
from airflow.providers.amazon.aws.sensors.emr import EmrStepSensor
import pendulum

from common.constants import AWS_CONN_ID, DATA_LAKE_BUCKET, EMR_CONN_ID, TEAM_EMAIL

default_args = {
    'owner': 'data-eng',
    'depends_on_past': True,
    'email': TEAM_EMAIL,
    'email_on_failure': True,
    'retries': 1,
    'retry_delay': timedelta(minutes=20),
}

JOB_FLOW_OVERRIDES = {
    'Name': 'clickstream-{{ ds_nodash }}',
    'ReleaseLabel': 'emr-5.30.1',
    'Applications': [{'Name': 'Spark'}],
    'Instances': {
        'InstanceGroups': [
            {'Name': 'master', 'InstanceRole': 'MASTER', 'InstanceType': 'm5.xlarge', 'InstanceCount': 1},
            {'Name': 'core', 'InstanceRole': 'CORE', 'InstanceType': 'r5.2xlarge', 'InstanceCount': 4},
        ],
        'KeepJobFlowAliveWhenNoSteps': True,
        'TerminationProtected': False,
    },
    'LogUri': 's3://{}/emr-logs/'.format(DATA_LAKE_BUCKET),
    'JobFlowRole': 'EMR_EC2_DefaultRole',
    'ServiceRole': 'EMR_DefaultRole',
}

# Spark jobs in run order.
SPARK_JOBS = ['sessionize', 'attribute_sessions', 'daily_aggregates']

CLUSTER_ID = "{{ task_instance.xcom_pull(task_ids='create_cluster', key='return_value') }}"


def spark_step(job):
    return [{
        'Name': '{} {{{{ ds }}}}'.format(job),
        'ActionOnFailure': 'CONTINUE',
        'HadoopJarStep': {
            'Jar': 'command-runner.jar',
            'Args': [
                'spark-submit', '--deploy-mode', 'cluster',
                's3://{}/jobs/clickstream/{}.py'.format(DATA_LAKE_BUCKET, job),
                '--date', '{{ ds }}',
            ],
        },
    }]


dag = DAG(
    'emr_clickstream',
    default_args=default_args,
    schedule='0 3 * * *',
    start_date=pendulum.datetime(2023, 12, 29, tz="UTC"),
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=6),
    catchup=False,
)

create_cluster = EmrCreateJobFlowOperator(
    task_id='create_cluster',
    job_flow_overrides=JOB_FLOW_OVERRIDES,
    aws_conn_id=AWS_CONN_ID,
    emr_conn_id=EMR_CONN_ID,
    dag=dag,
)

previous = create_cluster
for job in SPARK_JOBS:
    add_step = EmrAddStepsOperator(
        task_id='add_step_{}'.format(job),
        job_flow_id=CLUSTER_ID,
        aws_conn_id=AWS_CONN_ID,
        steps=spark_step(job),
        dag=dag,
    )
    watch_step = EmrStepSensor(
        task_id='watch_step_{}'.format(job),
        job_flow_id=CLUSTER_ID,
        step_id="{{{{ task_instance.xcom_pull(task_ids='add_step_{}', key='return_value')[0] }}}}".format(job),
        aws_conn_id=AWS_CONN_ID,
        dag=dag,
    )
    previous >> add_step >> watch_step
    previous = watch_step

terminate_cluster = EmrTerminateJobFlowOperator(
    task_id='terminate_cluster',
    job_flow_id=CLUSTER_ID,
    aws_conn_id=AWS_CONN_ID,
    trigger_rule='all_done',
    dag=dag,
)

previous >> terminate_cluster
