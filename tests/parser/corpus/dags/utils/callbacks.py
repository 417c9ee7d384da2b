"""Failure/SLA callbacks wired into default_args of the airflow DAGs."""
from airflow.utils.email import send_email


def notify_failure(context):
    ti = context["task_instance"]
    send_email(
        to=["data-alerts@example.com"],
        subject="[airflow] {}.{} failed".format(ti.dag_id, ti.task_id),
        html_content="Log: {}".format(ti.log_url),
    )


def sla_miss(dag, task_list, blocking_task_list, slas, blocking_tis):
    print("SLA missed on %s: %s" % (dag.dag_id, task_list))
