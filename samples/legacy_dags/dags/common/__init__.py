"""Helpers shared by the data team's DAGs.

The DAG folder is on ``sys.path`` (Airflow puts it there), so DAG files import this package as
``common``::

    from common import build_default_args
    from common.constants import DATA_LAKE_BUCKET
    from common.task_factory import make_table_check

Nothing in here creates a DAG; keep it that way, the scheduler parses this folder too.
"""
from .default_args import build_default_args  # noqa: F401
