"""
Jobs for the legacy app host: rotate logs and dump the database over SSH, then convert
the dump locally in a Docker container.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.contrib.operators.ssh_operator import SSHOperator
from airflow.operators.docker_operator import DockerOperator

default_args = {
    "owner": "platform-ops",
    "start_date": datetime(2019, 3, 1),
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
}

with DAG("legacy_host_jobs", default_args=default_args, schedule_interval="30 0 * * *") as dag:
    rotate_logs = SSHOperator(
        task_id="rotate_logs",
        ssh_conn_id="legacy_app_host",
        command="sudo logrotate -f /etc/logrotate.d/app",
    )

    dump_db = SSHOperator(
        task_id="dump_legacy_db",
        ssh_conn_id="legacy_app_host",
        command="pg_dump -Fc app > /backups/app_{{ ds_nodash }}.dump",
        timeout=600,
    )

    convert = DockerOperator(
        task_id="convert_dump",
        image="registry.example.com/tools/dump-converter:2.1",
        command="convert /backups/app_{{ ds_nodash }}.dump --to parquet",
        volumes=["/backups:/backups"],
        docker_url="unix://var/run/docker.sock",
        network_mode="bridge",
        auto_remove=True,
    )

    rotate_logs >> dump_db >> convert
