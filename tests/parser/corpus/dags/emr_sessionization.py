"""
Sessionization on a transient EMR cluster once the raw events have landed in S3.
"""
from datetime import timedelta

from airflow import DAG
from airflow.contrib.operators.emr_add_steps_operator import EmrAddStepsOperator
from airflow.contrib.operators.emr_create_job_flow_operator import EmrCreateJobFlowOperator
from airflow.contrib.operators.emr_terminate_job_flow_operator import EmrTerminateJobFlowOperator
from airflow.contrib.sensors.emr_step_sensor import EmrStepSensor
from airflow.sensors.s3_key_sensor import S3KeySensor
from airflow.utils.dates import days_ago
from airflow.utils.trigger_rule import TriggerRule

from common.constants import S3_BUCKET

SPARK_STEPS = [
    {
        'Name': 'sessionize',
        'ActionOnFailure': 'CANCEL_AND_WAIT',
        'HadoopJarStep': {
            'Jar': 'command-runner.jar',
            'Args': [
                'spark-submit', '--deploy-mode', 'cluster',
                's3://%s/jobs/sessionize.py' % S3_BUCKET, '--date', '{{ ds }}',
            ],
        },
    }
]

JOB_FLOW_OVERRIDES = {
    'Name': 'sessionize-{{ ds_nodash }}',
    'ReleaseLabel': 'emr-5.29.0',
    'Instances': {
        'InstanceGroups': [
            {'Name': 'Master', 'Market': 'ON_DEMAND', 'InstanceRole': 'MASTER',
             'InstanceType': 'm5.xlarge', 'InstanceCount': 1},
            {'Name': 'Core', 'Market': 'SPOT', 'InstanceRole': 'CORE',
             'InstanceType': 'r5.2xlarge', 'InstanceCount': 4},
        ],
        'KeepJobFlowAliveWhenNoSteps': True,
        'TerminationProtected': False,
    },
    'JobFlowRole': 'EMR_EC2_DefaultRole',
    'ServiceRole': 'EMR_DefaultRole',
}

default_args = {
    'owner': 'web-analytics',
    'start_date': days_ago(2),
    'retries': 0,
    'email_on_failure': True,
    'email': ['web-analytics@example.com'],
}

with DAG(
    'emr_sessionization',
    default_args=default_args,
    schedule_interval='0 2 * * *',
    dagrun_timeout=timedelta(hours=4),
) as dag:
    wait_for_raw = S3KeySensor(
        task_id='wait_for_raw_events',
        bucket_name=S3_BUCKET,
        bucket_key='raw/events/{{ ds }}/_SUCCESS',
        poke_interval=300,
        timeout=6 * 60 * 60,
    )

    create_cluster = EmrCreateJobFlowOperator(
        task_id='create_job_flow',
        job_flow_overrides=JOB_FLOW_OVERRIDES,
        aws_conn_id='aws_default',
        emr_conn_id='emr_default',
    )

    add_steps = EmrAddStepsOperator(
        task_id='add_steps',
        job_flow_id="{{ task_instance.xcom_pull(task_ids='create_job_flow', key='return_value') }}",
        aws_conn_id='aws_default',
        steps=SPARK_STEPS,
    )

    watch_step = EmrStepSensor(
        task_id='watch_step',
        job_flow_id="{{ task_instance.xcom_pull('create_job_flow', key='return_value') }}",
        step_id="{{ task_instance.xcom_pull(task_ids='add_steps', key='return_value')[0] }}",
        aws_conn_id='aws_default',
    )

    terminate_cluster = EmrTerminateJobFlowOperator(
        task_id='terminate_job_flow',
        job_flow_id="{{ task_instance.xcom_pull(task_ids='create_job_flow', key='return_value') }}",
        aws_conn_id='aws_default',
        trigger_rule=TriggerRule.ALL_DONE,
    )

    wait_for_raw >> create_cluster >> add_steps >> watch_step >> terminate_cluster
