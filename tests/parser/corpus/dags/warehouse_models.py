"""
Warehouse model builds in dependency order, dbt-style.

MODELS maps each model to the models it selects from; the graph is derived from it.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.postgres_operator import PostgresOperator

MODELS = {
    'stg_customers': [],
    'stg_orders': [],
    'stg_payments': [],
    'int_order_payments': ['stg_orders', 'stg_payments'],
    'fct_orders': ['int_order_payments', 'stg_customers'],
    'dim_customers': ['stg_customers', 'fct_orders'],
}

default_args = {
    'owner': 'analytics-eng',
    'start_date': datetime(2021, 1, 15),
    'retries': 1,
}

with DAG('warehouse_models', default_args=default_args, schedule_interval='0 4 * * *') as dag:
    done = DummyOperator(task_id='models_done')

    tasks = {}
    for model in MODELS:
        tasks[model] = PostgresOperator(
            task_id=f'build_{model}',
            sql="SELECT build_model('{}')".format(model),
            postgres_conn_id='warehouse',
        )

    for model, upstream_models in MODELS.items():
        for upstream in upstream_models:
            tasks[upstream] >> tasks[model]

    # only the leaves of the graph need to point at the final marker
    for leaf in ('dim_customers',):
        tasks[leaf] >> done
