"""
Daily web sessionization on a transient EMR cluster (web analytics).

create -> add steps -> watch the last step -> terminate. The cluster is terminated even
when the Spark step fails.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.contrib.operators.emr_add_steps_operator import EmrAddStepsOperator
from airflow.contrib.operators.emr_create_job_flow_operator import EmrCreateJobFlowOperator
from airflow.contrib.operators.emr_terminate_job_flow_operator import EmrTerminateJobFlowOperator
from airflow.contrib.sensors.emr_step_sensor import EmrStepSensor

SPARK_STEPS = [
    {
        'Name': 'sessionize',
        'ActionOnFailure': 'CONTINUE',
        'HadoopJarStep': {
            'Jar': 'command-runner.jar',
            'Args': [
                'spark-submit', '--deploy-mode', 'cluster',
                's3://acme-emr-jobs/sessionize/sessionize.py',
                '--date', '{{ ds }}',
                '--input', 's3://acme-clickstream-raw/{{ ds_nodash }}/',
                '--output', 's3://acme-clickstream-curated/sessions/dt={{ ds }}/',
            ],
        },
    },
]

JOB_FLOW_OVERRIDES = {
    'Name': 'sessionize-{{ ds_nodash }}',
    'ReleaseLabel': 'emr-5.30.1',
    'Instances': {
        'InstanceGroups': [
            {'Name': 'master', 'InstanceRole': 'MASTER', 'InstanceType': 'm5.xlarge', 'InstanceCount': 1},
            {'Name': 'core', 'InstanceRole': 'CORE', 'InstanceType': 'r5.2xlarge', 'InstanceCount': 4},
        ],
        'KeepJobFlowAliveWhenNoSteps': True,
        'TerminationProtected': False,
    },
    'Applications': [{'Name': 'Spark'}],
    'JobFlowRole': 'EMR_EC2_DefaultRole',
    'ServiceRole': 'EMR_DefaultRole',
}

default_args = {
    'owner': 'web-analytics',
    'start_date': datetime(2020, 10, 1),
    'retries': 0,
}

with DAG('emr_sessionization', default_args=default_args,
         schedule_interval='0 4 * * *', catchup=False) as dag:
    create_cluster = EmrCreateJobFlowOperator(
        task_id='create_cluster',
        job_flow_overrides=JOB_FLOW_OVERRIDES,
        aws_conn_id='aws_default',
        emr_conn_id='emr_default',
    )
    add_steps = EmrAddStepsOperator(
        task_id='add_steps',
        job_flow_id="{{ task_instance.xcom_pull(task_ids='create_cluster', key='return_value') }}",
        aws_conn_id='aws_default',
        steps=SPARK_STEPS,
    )
    watch_step = EmrStepSensor(
        task_id='watch_step',
        job_flow_id="{{ task_instance.xcom_pull('create_cluster', key='return_value') }}",
        step_id="{{ task_instance.xcom_pull(task_ids='add_steps', key='return_value')[0] }}",
        aws_conn_id='aws_default',
    )
    terminate_cluster = EmrTerminateJobFlowOperator(
        task_id='terminate_cluster',
        job_flow_id="{{ task_instance.xcom_pull(task_ids='create_cluster', key='return_value') }}",
        aws_conn_id='aws_default',
        trigger_rule='all_done',
    )

    create_cluster >> add_steps >> watch_step >> terminate_cluster
