"""Failure callbacks shared by all DAGs (wired in through default_args)."""
from airflow.utils.email import send_email

ONCALL = ["data-oncall@acme.example.com"]


def notify_oncall_on_failure(context):
    """on_failure_callback: mail the on-call rotation with a link to the task log."""
    ti = context["task_instance"]
    subject = "[airflow] {}.{} failed for {}".format(ti.dag_id, ti.task_id, context["ds"])
    body = (
        "<p>Task <b>{task}</b> of DAG <b>{dag}</b> failed (try {n}).</p>"
        "<p><a href='{url}'>Log</a></p>"
    ).format(task=ti.task_id, dag=ti.dag_id, n=ti.try_number, url=ti.log_url)
    send_email(ONCALL, subject, body)
