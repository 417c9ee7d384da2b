"""Supplier and inventory batch jobs on ECS.

Each job is a container image maintained by the integrations team; this DAG only runs them
every six hours, one after the other (they share the supplier API rate limit).
"""
from datetime import timedelta

from airflow import DAG
from airflow.providers.amazon.aws.operators.ecs import EcsRunTaskOperator
from airflow.operators.bash import BashOperator
import pendulum
from airflow.models.baseoperator import chain

from common import build_default_args
from common.constants import AWS_CONN_ID, AWS_REGION, ECS_CLUSTER, ECS_SECURITY_GROUPS, ECS_SUBNETS

default_args = build_default_args(
    'integrations',
    retries=3,
    retry_delay=timedelta(minutes=2),
    execution_timeout=timedelta(minutes=45),
)

# job name -> task definition (family:revision) and container resources
JOBS = {
    'supplier_catalog': {'task_definition': 'supplier-catalog:12', 'cpu': 512, 'memory': 1024},
    'supplier_prices': {'task_definition': 'supplier-prices:8', 'cpu': 512, 'memory': 2048},
    'inventory_snapshot': {'task_definition': 'inventory-snapshot:21', 'cpu': 1024, 'memory': 4096},
    'stock_alerts': {'task_definition': 'stock-alerts:3', 'cpu': 256, 'memory': 512},
}

NETWORK = {
    'awsvpcConfiguration': {
        'subnets': ECS_SUBNETS,
        'securityGroups': ECS_SECURITY_GROUPS,
        'assignPublicIp': 'DISABLED',
    }
}

with DAG(
    'ecs_batch_jobs',
    default_args=default_args,
    schedule=timedelta(hours=6),
    start_date=pendulum.datetime(2023, 12, 31, tz="UTC"),
    catchup=False,
    max_active_runs=1,
) as dag:

    job_tasks = []
    for job_name, spec in JOBS.items():
        job_tasks.append(EcsRunTaskOperator(
            task_id=f'run_{job_name}',
            task_definition=spec['task_definition'],
            cluster=ECS_CLUSTER,
            launch_type='FARGATE',
            platform_version='1.4.0',
            network_configuration=NETWORK,
            overrides={
                'containerOverrides': [{
                    'name': job_name.replace('_', '-'),
                    'command': ['python', '-m', f'jobs.{job_name}', '--run-ts', '{{ ts_nodash }}'],
                    'cpu': spec['cpu'],
                    'memory': spec['memory'],
                }],
            },
            aws_conn_id=AWS_CONN_ID,
            region_name=AWS_REGION,
            awslogs_group='/ecs/data-batch',
            awslogs_stream_prefix=f'ecs/{job_name}',
        ))

    record_run = BashOperator(
        task_id='record_run',
        bash_command='echo "{{ ts }} ok" >> /usr/local/airflow/logs/ecs_batch_jobs.runs',
    )

    chain(*job_tasks, record_run)
