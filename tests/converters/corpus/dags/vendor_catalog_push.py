'''Weekly product catalog push to ACME (vendor operations).

One of the first DAGs we wrote, hence the flat imports.'''
from datetime import datetime

from airflow import DAG
from airflow.operators import AcmeOperator
from airflow.operators.bash_operator import BashOperator

CATEGORIES = ['grocery', 'household', 'beauty']

dag = DAG(
    'vendor_catalog_push',
    default_args={'owner': 'vendor-ops', 'start_date': datetime(2019, 9, 2), 'retries': 1},
    schedule_interval='0 8 * * 1',
    catchup=False,
)

export = BashOperator(task_id='export_catalog',
                      bash_command='catalog-export --vendor acme --week {{ ds }} --split-by category',
                      dag=dag)

for category in CATEGORIES:
    push = AcmeOperator(task_id='push_catalog_' + category,
                        feed='catalog',
                        s3_key='catalog/{{ ds_nodash }}/' + category + '.csv',
                        dag=dag)
    export.set_downstream(push)
