"""
Ingest the SaaS sources every 4 hours using the shared task factories in common/.
"""
from airflow import DAG

from common.default_args import build_default_args
from common.task_factory import make_bash_task, make_ingest_tasks, make_marker

SOURCES = ("stripe", "zendesk", "hubspot")

default_args = build_default_args(owner="ingest", retries=2)

with DAG("saas_ingest", default_args=default_args, schedule_interval="0 */4 * * *",
         catchup=False) as dag:
    # make_marker gets no dag: the tasks attach to this `with` block's DAG
    begin = make_marker("begin")
    finish = make_marker("finish")

    for source in SOURCES:
        extract, validate, load = make_ingest_tasks(dag, source)
        begin >> extract
        load >> finish

    vacuum = make_bash_task(dag, "vacuum_staging", 'psql -c "VACUUM ANALYZE staging.events"')
    finish >> vacuum
