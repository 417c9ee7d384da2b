"""
BI report fan-out (BI team).

Refresh the extracts once, then render each report; the render tool has only two
licences, hence the per-task concurrency. clean_scratch always runs, even when a render
fails or is still queued.
"""
from datetime import datetime, timedelta

from airflow.models import DAG, Variable
from airflow.operators.bash_operator import BashOperator
from airflow.utils.trigger_rule import TriggerRule

# Ops can move the whole fan-out without a deploy.
REPORT_CRON = Variable.get("report_fanout_cron", default_var="0 7 * * 1-5")
REPORTS = ["sales_by_region", "inventory_health", "exec_kpis"]

default_args = {
    "owner": "bi",
    "start_date": datetime(2020, 10, 1),
    "retries": 1,
    "retry_delay": timedelta(minutes=10),
}

dag = DAG(
    "report_fanout",
    default_args=default_args,
    schedule_interval=REPORT_CRON,
    catchup=False,
)

refresh = BashOperator(
    task_id="refresh_extracts",
    bash_command="bi-cli extracts refresh --all --as-of {{ ds }}",
    dag=dag,
)

clean = BashOperator(
    task_id="clean_scratch",
    bash_command="rm -rf /tmp/bi_render_{{ ds_nodash }}_*",
    trigger_rule=TriggerRule.DUMMY,
    dag=dag,
)

for report in REPORTS:
    render = BashOperator(
        task_id="render_{}".format(report),
        bash_command="bi-cli render --report {} --out /tmp/bi_render_{{{{ ds_nodash }}}}_{} ".format(report, report),
        task_concurrency=2,
        pool="bi_render",
        dag=dag,
    )
    refresh >> render >> clean
