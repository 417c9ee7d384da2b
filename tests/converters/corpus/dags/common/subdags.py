"""Sub-DAG factories for SubDagOperator (the sub-DAG id must be <parent>.<task_id>)."""
from airflow.models import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.postgres_operator import PostgresOperator

ROLLUP_SQL = """
INSERT INTO finance.monthly_rollup_{region}
SELECT date_trunc('month', booked_at) AS month,
       account_id,
       SUM(amount_eur)               AS amount_eur
  FROM finance.ledger_entries
 WHERE region = '{region}'
   AND booked_at >= date_trunc('month', DATE '{{{{ ds }}}}')
 GROUP BY 1, 2;
"""


def region_rollup_subdag(parent_dag_id, child_dag_id, default_args, region):
    """extract -> rollup -> export for one region."""
    subdag = DAG(
        dag_id='%s.%s' % (parent_dag_id, child_dag_id),
        default_args=default_args,
        schedule_interval='@monthly',
    )

    extract = BashOperator(
        task_id='extract_ledger',
        bash_command='ledger-export --region %s --month {{ ds[:7] }}' % region,
        dag=subdag,
    )
    rollup = PostgresOperator(
        task_id='rollup_accounts',
        postgres_conn_id='redshift_finance',
        sql=ROLLUP_SQL.format(region=region),
        dag=subdag,
    )
    exported = DummyOperator(task_id='rollup_ready', dag=subdag)

    extract >> rollup >> exported
    return subdag
