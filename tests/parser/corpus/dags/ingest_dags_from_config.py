"""
Generic file-ingest DAGs, one per source system, built by common.dag_factory.
"""
from airflow import DAG  # noqa: F401  keeps this file visible to the DagBag's safe-mode check

from common.dag_factory import create_ingest_dag
from common.default_args import DEFAULT_ARGS

INGEST_CONFIG = {
    "sap": {"tables": ["vbak", "vbap"], "schedule": "@daily"},
    "salesforce": {"tables": ["account", "opportunity", "contact"], "schedule": "0 */6 * * *"},
}

for source, config in INGEST_CONFIG.items():
    dag_id = f"ingest_{source}"
    globals()[dag_id] = create_ingest_dag(
        dag_id=dag_id,
        source=source,
        tables=config["tables"],
        schedule_interval=config["schedule"],
        default_args=DEFAULT_ARGS,
    )
