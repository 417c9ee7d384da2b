"""The ``default_args`` every team DAG starts from."""
from common.constants import DEFAULT_RETRIES, DEFAULT_RETRY_DELAY, TEAM_EMAIL


def build_default_args(owner, retries=DEFAULT_RETRIES, retry_delay=DEFAULT_RETRY_DELAY,
                       email=None, **overrides):
    """Return a fresh ``default_args`` dict for a DAG owned by ``owner``.

    Keyword arguments not listed here (``sla``, ``queue``, ``pool``, ...) are added as given,
    so a DAG can override anything without copying the whole dict.
    """
    args = {
        'owner': owner,
        'depends_on_past': False,
        'email': email or TEAM_EMAIL,
        'email_on_failure': True,
        'email_on_retry': False,
        'retries': retries,
        'retry_delay': retry_delay,
    }
    args.update(overrides)
    return args
