"""
One reporting DAG per client, generated from CLIENTS.

Each generated DAG is registered in globals() so the DagBag picks it up.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.email_operator import EmailOperator
from airflow.operators.python_operator import PythonOperator

CLIENTS = [
    {'name': 'acme', 'schedule': '@daily', 'reports': ['usage', 'billing']},
    {'name': 'globex', 'schedule': '0 12 * * *', 'reports': ['usage']},
    {'name': 'initech', 'schedule': None, 'reports': ['usage', 'billing', 'sla']},
]

default_args = {
    'owner': 'customer-success',
    'start_date': datetime(2020, 4, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=10),
}


def render_report(client, report, **context):
    print('rendering %s report for %s (%s)' % (report, client, context['ds']))


def create_dag(dag_id, client, schedule, reports, default_args):
    dag = DAG(dag_id, schedule_interval=schedule, default_args=default_args, catchup=False)

    with dag:
        prepare = BashOperator(
            task_id='prepare_workspace',
            bash_command='mkdir -p /tmp/reports/%s/{{ ds }}' % client,
        )
        send = EmailOperator(
            task_id='email_reports',
            to='{}-reports@example.com'.format(client),
            subject='Your reports for {{ ds }}',
            html_content='Attached.',
        )
        for report in reports:
            render = PythonOperator(
                task_id='render_{}'.format(report),
                python_callable=render_report,
                op_kwargs={'client': client, 'report': report},
                provide_context=True,
            )
            prepare >> render >> send

    return dag


for client in CLIENTS:
    dag_id = 'client_reports_{}'.format(client['name'])
    globals()[dag_id] = create_dag(dag_id, client['name'], client['schedule'], client['reports'],
                                   default_args)
