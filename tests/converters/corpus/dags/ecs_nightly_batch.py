"""
Nightly batch jobs of the data-science team, run as Fargate tasks on ECS.

check_cluster_capacity makes sure the cluster is not still busy with the previous
run (the jobs are not idempotent if two copies overlap).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.contrib.hooks.aws_hook import AwsHook
from airflow.contrib.operators.ecs_operator import ECSOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator

CLUSTER = 'batch-fargate'
REGION = 'eu-west-1'

NETWORK = {
    'awsvpcConfiguration': {
        'subnets': ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
        'securityGroups': ['sg-0123456789abcdef0'],
        'assignPublicIp': 'DISABLED',
    }
}

default_args = {
    'owner': 'data-science',
    'start_date': datetime(2020, 11, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=15),
}


def check_cluster_capacity(**context):
    """Fail fast if tasks of the previous run are still RUNNING on the cluster."""
    session = AwsHook(aws_conn_id='aws_default').get_session(region_name=REGION)
    ecs = session.client('ecs')
    running = ecs.list_tasks(cluster=CLUSTER, desiredStatus='RUNNING')['taskArns']
    if running:
        raise RuntimeError('%d batch tasks still running on %s' % (len(running), CLUSTER))


dag = DAG(
    'ecs_nightly_batch',
    default_args=default_args,
    schedule_interval=timedelta(hours=24),
    catchup=False,
)

capacity = PythonOperator(
    task_id='check_cluster_capacity',
    python_callable=check_cluster_capacity,
    provide_context=True,
    dag=dag,
)

dedupe = ECSOperator(
    task_id='dedupe_customers',
    task_definition='batch-dedupe-customers',
    cluster=CLUSTER,
    launch_type='FARGATE',
    overrides={
        'containerOverrides': [{
            'name': 'dedupe_customers',
            'command': ['python', '-m', 'jobs.dedupe_customers', '--date', '{{ ds }}'],
        }],
    },
    network_configuration=NETWORK,
    awslogs_group='/ecs/batch',
    awslogs_stream_prefix='ecs/dedupe_customers',
    region_name=REGION,
    dag=dag,
)

score = ECSOperator(
    task_id='score_leads',
    task_definition='batch-score-leads:7',
    cluster=CLUSTER,
    launch_type='FARGATE',
    overrides={
        'containerOverrides': [{
            'name': 'score_leads',
            'command': ['python', '-m', 'jobs.score_leads', '--date', '{{ ds }}', '--model', 'v3'],
            'environment': [{'name': 'SCORING_THREADS', 'value': '4'}],
        }],
        'cpu': '2048',
        'memory': '8192',
    },
    network_configuration=NETWORK,
    awslogs_group='/ecs/batch',
    awslogs_stream_prefix='ecs/score_leads',
    region_name=REGION,
    dag=dag,
)

batch_done = DummyOperator(task_id='batch_done', dag=dag)

capacity >> dedupe >> score >> batch_done
