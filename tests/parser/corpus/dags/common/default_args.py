"""Builders for the default_args dict every DAG passes to airflow's DAG()."""
from common.constants import ALERT_EMAILS, DEFAULT_START_DATE, OWNER, RETRY_DELAY


def build_default_args(owner=OWNER, retries=1, **overrides):
    """Return a fresh default_args dict; keyword overrides win."""
    args = {
        "owner": owner,
        "depends_on_past": False,
        "start_date": DEFAULT_START_DATE,
        "email": ALERT_EMAILS,
        "email_on_failure": True,
        "email_on_retry": False,
        "retries": retries,
        "retry_delay": RETRY_DELAY,
    }
    args.update(overrides)
    return args


DEFAULT_ARGS = build_default_args()
