"""
Daily bank reconciliation (finance engineering).

On business days we compare the ledger totals with the bank statement totals. Small
differences are reconciled automatically; anything above the tolerance opens a ticket
for the controllers. close_books runs after whichever branch was taken.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.hooks.postgres_hook import PostgresHook
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator, BranchPythonOperator, ShortCircuitOperator

TOLERANCE_EUR = 5.00
HOLIDAYS = {'2021-01-01', '2021-04-02', '2021-04-05', '2021-05-13', '2021-12-24', '2021-12-31'}

default_args = {
    'owner': 'finance-eng',
    'start_date': datetime(2021, 1, 1),
    'email': ['finance-eng@acme.example.com'],
    'retries': 2,
    'retry_delay': timedelta(minutes=5),
    'provide_context': True,
}


def is_business_day(ds, **kwargs):
    return ds not in HOLIDAYS


def fetch_totals(ds, **kwargs):
    hook = PostgresHook(postgres_conn_id='finance_db')
    ledger = hook.get_first(
        "SELECT COALESCE(SUM(amount_eur), 0) FROM ledger.entries WHERE booking_date = %s", parameters=(ds,))[0]
    bank = hook.get_first(
        "SELECT COALESCE(SUM(amount_eur), 0) FROM bank.statement_lines WHERE value_date = %s", parameters=(ds,))[0]
    return {'ledger': float(ledger), 'bank': float(bank)}


def choose_path(**kwargs):
    totals = kwargs['ti'].xcom_pull(task_ids='fetch_totals')
    diff = abs(totals['ledger'] - totals['bank'])
    if diff <= TOLERANCE_EUR:
        return 'reconcile_automatically'
    return 'open_controller_ticket'


def reconcile(ds, **kwargs):
    hook = PostgresHook(postgres_conn_id='finance_db')
    hook.run("CALL ledger.auto_reconcile(%s)", parameters=(ds,))


def open_ticket(ds, **kwargs):
    print("Opening FINOPS ticket: ledger/bank mismatch on %s" % ds)


with DAG(
    'finance_reconciliation',
    default_args=default_args,
    schedule_interval='15 6 * * 1-5',
    catchup=False,
) as dag:
    business_day = ShortCircuitOperator(task_id='is_business_day', python_callable=is_business_day)
    totals = PythonOperator(task_id='fetch_totals', python_callable=fetch_totals)
    branch = BranchPythonOperator(task_id='choose_path', python_callable=choose_path)
    auto = PythonOperator(task_id='reconcile_automatically', python_callable=reconcile)
    ticket = PythonOperator(task_id='open_controller_ticket', python_callable=open_ticket)
    close_books = DummyOperator(
        task_id='close_books',
        trigger_rule="none_failed_or_skipped",
    )

    business_day >> totals >> branch >> [auto, ticket]
    [auto, ticket] >> close_books
