"""
Ledger integrity checks, run once the day's ledger is closed in MySQL.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.check_operator import CheckOperator, ValueCheckOperator
from airflow.operators.mysql_operator import MySqlOperator
from airflow.sensors.sql_sensor import SqlSensor

CONN_ID = 'ledger_mysql'

CHECKS = {
    'no_negative_balances': 'SELECT COUNT(*) = 0 FROM accounts WHERE balance < 0',
    'balanced_journal': "SELECT SUM(debit) = SUM(credit) FROM journal WHERE day = '{{ ds }}'",
    'no_orphan_entries': 'SELECT COUNT(*) = 0 FROM journal j LEFT JOIN accounts a '
                         'ON a.id = j.account_id WHERE a.id IS NULL',
}

default_args = {
    'owner': 'finance-eng',
    'start_date': datetime(2020, 1, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=10),
}

dag = DAG('ledger_integrity_checks', default_args=default_args, schedule_interval='30 6 * * *')

wait_for_close = SqlSensor(
    task_id='wait_for_ledger_close',
    conn_id=CONN_ID,
    sql="SELECT 1 FROM closes WHERE day = '{{ ds }}'",
    poke_interval=600,
    dag=dag,
)

checks = []
for name in sorted(CHECKS):
    checks.append(
        CheckOperator(
            task_id='check_' + name,
            sql=CHECKS[name],
            conn_id=CONN_ID,
            dag=dag,
        )
    )

row_count = ValueCheckOperator(
    task_id='check_journal_row_count',
    sql="SELECT COUNT(*) FROM journal WHERE day = '{{ ds }}'",
    pass_value=50000,
    tolerance=0.5,
    conn_id=CONN_ID,
    dag=dag,
)

mark_verified = MySqlOperator(
    task_id='mark_ledger_verified',
    sql="UPDATE closes SET verified = 1 WHERE day = '{{ ds }}'",
    mysql_conn_id=CONN_ID,
    dag=dag,
)

wait_for_close >> checks
wait_for_close >> row_count
checks >> mark_verified
row_count >> mark_verified
