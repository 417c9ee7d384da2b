"""
Per-client data exports (account management).

One DAG per client, generated from CLIENTS below. Each export writes orders and
invoices, uploads both to the client's SFTP and records the delivery.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonOperator

CLIENTS = {
    'northwind': {'cron': '0 5 * * *', 'sftp_conn': 'sftp_northwind'},
    'globex': {'cron': '@weekly', 'sftp_conn': 'sftp_globex'},
    'initech': {'cron': '30 23 * * 1-5', 'sftp_conn': 'sftp_initech'},
}


def record_delivery(client, **context):
    print('delivered %s export for %s' % (client, context['ds']))


def create_export_dag(client, cron, sftp_conn):
    dag_id = 'client_export_{}'.format(client)
    args = {
        'owner': 'account-management',
        'start_date': datetime(2020, 7, 1),
        'retries': 2,
        'retry_delay': timedelta(minutes=10),
    }
    dag = DAG(dag_id, default_args=args, schedule_interval=cron, catchup=False)

    with dag:
        export_orders = BashOperator(
            task_id='export_orders',
            bash_command='exporter --client %s --entity orders --date {{ ds }}' % client,
        )
        export_invoices = BashOperator(
            task_id='export_invoices',
            bash_command='exporter --client %s --entity invoices --date {{ ds }}' % client,
        )
        upload = BashOperator(
            task_id='upload_to_sftp',
            bash_command='sftp-push --conn %s --dir /exports/%s/{{ ds_nodash }}' % (sftp_conn, client),
        )
        record = PythonOperator(
            task_id='record_delivery',
            python_callable=record_delivery,
            op_kwargs={'client': client},
            provide_context=True,
        )
        [export_orders, export_invoices] >> upload >> record
    return dag


for client_name, conf in CLIENTS.items():
    globals()['client_export_' + client_name] = create_export_dag(
        client_name, conf['cron'], conf['sftp_conn'])
