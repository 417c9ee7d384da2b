"""
Weekly model refresh. Steps are appended to a list and chained in order.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonOperator
from airflow.utils.helpers import chain

STEPS = ['load_raw', 'clean', 'featurize', 'train', 'evaluate']

default_args = {
    'owner': 'ml-platform',
    'start_date': datetime(2020, 1, 6),
    'retries': 0,
    'execution_timeout': timedelta(hours=6),
}


def run_step(step, **context):
    from ml.pipeline import run  # noqa: installed on the ML workers only
    run(step, run_date=context['ds'])


dag = DAG('ml_feature_pipeline', default_args=default_args, schedule_interval='@weekly',
          max_active_runs=1)

tasks = []
for step in STEPS:
    tasks.append(
        PythonOperator(
            task_id=step,
            python_callable=run_step,
            op_kwargs={'step': step},
            provide_context=True,
            dag=dag,
        )
    )

register = BashOperator(
    task_id='register_model',
    bash_command='mlflow models register --run-date {{ ds }}',
    dag=dag,
)
tasks.append(register)

chain(*tasks)
