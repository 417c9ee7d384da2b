"""
Regional warehouse load: one SubDagOperator per region, sub-DAGs from common.subdags.
"""
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.subdag_operator import SubDagOperator

from common.constants import WAREHOUSE_TABLES
from common.default_args import build_default_args
from common.subdags import load_tables_subdag

DAG_NAME = "regional_warehouse_load"

default_args = build_default_args(owner="warehouse", retries=0)

with DAG(DAG_NAME, default_args=default_args, schedule_interval="@daily") as dag:
    start = DummyOperator(task_id="start")
    end = DummyOperator(task_id="end")

    for region in ["emea", "amer"]:
        child = "load_" + region
        section = SubDagOperator(
            task_id=child,
            subdag=load_tables_subdag(DAG_NAME, child, default_args, WAREHOUSE_TABLES),
        )
        start >> section >> end
