"""
Billing DAGs. They share base_args, each with its own tweaks.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonOperator

from utils.callbacks import notify_failure

base_args = {
    'owner': 'billing',
    'start_date': datetime(2020, 1, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=5),
    'on_failure_callback': notify_failure,
}

critical_args = dict(base_args, retries=3, email_on_failure=True)

adhoc_args = {**base_args, 'retries': 0, 'owner': 'billing-analysts'}

backfill_args = base_args.copy()
backfill_args.update({'depends_on_past': True, 'start_date': datetime(2018, 1, 1)})


def send_invoices(**context):
    print('sending invoices for', context['ds'])


with DAG('billing_critical', default_args=critical_args, schedule_interval='0 0 1 * *') as critical:
    compute = BashOperator(task_id='compute_invoices', bash_command='billing compute --month {{ ds }}')
    send = PythonOperator(
        task_id='send_invoices',
        python_callable=send_invoices,
        provide_context=True,
        # per-task default_args on top of the DAG's
        default_args=dict(critical_args, queue='billing_high_mem'),
    )
    compute >> send

adhoc = DAG('billing_adhoc', default_args=adhoc_args, schedule_interval=None)
run_notebook = BashOperator(
    task_id='run_notebook',
    bash_command='papermill billing.ipynb out/{{ run_id }}.ipynb',
    dag=adhoc,
)

backfill = DAG('billing_backfill', default_args=backfill_args, schedule_interval='@monthly',
               max_active_runs=1)
recompute = BashOperator(task_id='recompute_history', bash_command='billing recompute --month {{ ds }}',
                         dag=backfill)
reconcile = BashOperator(task_id='reconcile_history', bash_command='billing reconcile --month {{ ds }}',
                         dag=backfill)
recompute.set_downstream(reconcile)
