"""
Per-region KPI computation. APAC has no retention metric yet (cohorts too young).
"""
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator

from common.constants import REGIONS
from common.default_args import build_default_args

METRICS = ["dau", "revenue", "retention"]

with DAG(
    "regional_metrics",
    default_args=build_default_args(owner="growth"),
    schedule_interval="0 5 * * *",
) as dag:
    start = DummyOperator(task_id="start")
    publish = DummyOperator(task_id="publish_dashboard")

    for region in REGIONS:
        staging = BashOperator(
            task_id=f"stage_{region}",
            bash_command=f"kpi stage --region {region} --date {{{{ ds }}}}",
        )
        start >> staging

        for metric in METRICS:
            if region == "apac" and metric == "retention":
                continue
            compute = BashOperator(
                task_id=f"{metric}_{region}",
                bash_command=f"kpi compute {metric} --region {region} --date {{{{ ds }}}}",
            )
            staging >> compute >> publish
