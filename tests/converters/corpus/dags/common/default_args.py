"""default_args builders shared by the team DAGs.

Every DAG in this folder should start from build_default_args() so that owners,
alerting and retries stay consistent across teams.
"""
from datetime import timedelta

from airflow.utils.dates import days_ago

from common.alerts import notify_oncall_on_failure

ALERT_EMAILS = ['data-alerts@acme.example.com']


def build_default_args(owner, retries=1, **overrides):
    """Return a fresh default_args dict; keyword overrides win."""
    args = {
        'owner': owner,
        'depends_on_past': False,
        'start_date': days_ago(1),
        'email': ALERT_EMAILS,
        'email_on_failure': True,
        'email_on_retry': False,
        'retries': retries,
        'retry_delay': timedelta(minutes=5),
        'on_failure_callback': notify_oncall_on_failure,
        # every python callable in this repo takes **context
        'provide_context': True,
    }
    args.update(overrides)
    return args
