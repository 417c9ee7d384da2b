"""Month-end finance rollups.

The per-region rollups run in a sub-DAG (``finance_monthly_rollups.region_rollups``) so the
finance team can clear and rerun a single region from the UI.
"""
from datetime import datetime, timedelta

from airflow.models import DAG
from airflow.operators.empty import EmptyOperator
from airflow.providers.postgres.operators.postgres import PostgresOperator
from airflow.operators.python import PythonOperator
from airflow.utils.task_group import TaskGroup

from common.constants import REDSHIFT_CONN_ID

PARENT_DAG_ID = 'finance_monthly_rollups'
REGIONS = ['emea', 'amer', 'apac']

default_args = {
    'owner': 'finance-data',
    'start_date': datetime(2020, 1, 1),
    'email': ['finance-data@example.com'],
    'email_on_failure': True,
    'retries': 2,
    'retry_delay': timedelta(minutes=30),
}


def region_rollups_subdag(parent_dag_id, child_dag_id, args, group_id=None, parent_dag=None):
    """Sub-DAG factory: one rollup per region, then the group-level combine."""
    subdag = TaskGroup(group_id=group_id, dag=parent_dag, default_args=args)
    rollups = []
    for region in REGIONS:
        rollups.append(PostgresOperator(
            task_id='rollup_%s' % region,
            postgres_conn_id=REDSHIFT_CONN_ID,
            sql="CALL finance.rollup_region('%s', '{{ ds }}');" % region,
            dag=parent_dag, task_group=subdag,
        ))
    combine = PostgresOperator(
        task_id='combine_regions',
        postgres_conn_id=REDSHIFT_CONN_ID,
        sql="CALL finance.combine_regions('{{ ds }}');",
        dag=parent_dag, task_group=subdag,
    )
    rollups >> combine
    return subdag


def check_ledger_closed(**context):
    """Refuse to roll up a month whose ledger is still open."""
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    hook = PostgresHook(postgres_conn_id=REDSHIFT_CONN_ID)
    is_closed = hook.get_first(
        'SELECT closed FROM finance.ledger_months WHERE month_start = %s', parameters=(context['ds'],))
    if not is_closed or not is_closed[0]:
        raise ValueError('Ledger for {} is not closed yet'.format(context['ds']))


dag = DAG(
    PARENT_DAG_ID,
    default_args=default_args,
    schedule='@monthly',
    catchup=False,
)

start = EmptyOperator(task_id='start', dag=dag)

ledger_closed = PythonOperator(
    task_id='check_ledger_closed',
    python_callable=check_ledger_closed,
    dag=dag,
)

region_rollups = region_rollups_subdag(
    PARENT_DAG_ID, 'region_rollups', default_args,
    group_id='region_rollups',
    parent_dag=dag,
)

publish = PostgresOperator(
    task_id='publish_rollups',
    postgres_conn_id=REDSHIFT_CONN_ID,
    sql="GRANT SELECT ON finance.monthly_rollups TO GROUP finance_readers;",
    dag=dag,
)

start >> ledger_closed >> region_rollups >> publish
