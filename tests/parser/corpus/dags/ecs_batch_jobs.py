"""
Nightly batch jobs on ECS Fargate. score_leads reads the deduplicated customers.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.contrib.operators.ecs_operator import ECSOperator
from airflow.operators.dummy_operator import DummyOperator

JOBS = {
    'dedupe_customers': {'cpu': '1024', 'memory': '4096'},
    'score_leads': {'cpu': '2048', 'memory': '8192'},
    'geocode_addresses': {'cpu': '512', 'memory': '2048'},
}

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

dag = DAG('ecs_batch_jobs', default_args=default_args, schedule_interval='0 23 * * *')

ecs_tasks = {}
for job, resources in JOBS.items():
    ecs_tasks[job] = ECSOperator(
        task_id='ecs_' + job,
        task_definition='batch-' + job.replace('_', '-'),
        cluster='batch-fargate',
        launch_type='FARGATE',
        overrides={
            'containerOverrides': [{
                'name': job,
                'command': ['python', '-m', 'jobs.' + job, '--date', '{{ ds }}'],
            }],
            'cpu': resources['cpu'],
            'memory': resources['memory'],
        },
        network_configuration=NETWORK,
        awslogs_group='/ecs/batch',
        awslogs_stream_prefix='ecs/' + job,
        region_name='eu-west-1',
        dag=dag,
    )

ecs_tasks['dedupe_customers'] >> ecs_tasks['score_leads']

all_done = DummyOperator(task_id='all_jobs_done', dag=dag)
list(ecs_tasks.values()) >> all_done
