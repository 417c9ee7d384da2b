"""
Archive datasets to Glacier once their quality checks pass.

Task factories are defined in this file.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonOperator

default_args = {
    "owner": "data-platform",
    "start_date": datetime(2020, 10, 1),
    "retries": 1,
    "retry_delay": timedelta(minutes=20),
}


def run_check(dataset, check, **context):
    print("running %s check on %s for %s" % (check, dataset, context["ds"]))


def archive_task(dag, dataset):
    """Copy a dataset's partition to the archive bucket."""
    return BashOperator(
        task_id="archive_" + dataset,
        bash_command="aws s3 cp --recursive s3://acme-lake/%s/{{ ds }}/ s3://acme-archive/%s/{{ ds }}/"
        % (dataset, dataset),
        dag=dag,
    )


def quality_gate(dag, dataset, checks=("row_count", "freshness")):
    """Return one check task per entry in `checks` (not wired to anything)."""
    return [
        PythonOperator(
            task_id=f"check_{dataset}_{check}",
            python_callable=run_check,
            op_kwargs={"dataset": dataset, "check": check},
            provide_context=True,
            dag=dag,
        )
        for check in checks
    ]


dag = DAG("dataset_archival", default_args=default_args, schedule_interval="@monthly")

for dataset in ["invoices", "shipments"]:
    gates = quality_gate(dag, dataset)
    archive = archive_task(dag, dataset)
    gates >> archive

audit_checks = quality_gate(dag, "audit_log", checks=("row_count",))
audit_archive = archive_task(dag, "audit_log")
audit_archive.set_upstream(audit_checks)
