"""
Web events ETL. Ids follow the naming conventions in utils/naming.py.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator

from utils.naming import dag_name, task_name

PREFIX = 'etl'
VERSION = 2
SOURCE = 'Web-Events'

default_args = {
    'owner': 'growth',
    'start_date': datetime(2021, 6, 1),
}

dag = DAG(
    dag_name('growth', SOURCE.lower().replace('-', '_'), version=VERSION),
    default_args=default_args,
    schedule_interval='45 * * * *',
)

start = DummyOperator(task_id=PREFIX + '_start', dag=dag)

extract = BashOperator(
    task_id='%s_extract_v%d' % (PREFIX, VERSION),
    bash_command='events extract --source %s' % SOURCE,
    dag=dag,
)

normalize = BashOperator(
    task_id='{}_{}'.format(PREFIX, SOURCE.lower().replace('-', '_')),
    bash_command='events normalize',
    dag=dag,
)

load = BashOperator(
    task_id=f'{PREFIX.upper()}_LOAD_{VERSION}',
    bash_command='events load',
    dag=dag,
)

load_alt = BashOperator(
    task_id=task_name('Load', SOURCE),
    bash_command='events load --target archive',
    dag=dag,
)

finish = DummyOperator(task_id='{p}.{s}'.format(p=PREFIX, s='finish'), dag=dag)

cleanup = BashOperator(
    task_id='_'.join([PREFIX, 'cleanup', str(VERSION)]),
    bash_command='events cleanup',
    dag=dag,
)

audit = BashOperator(
    task_id='audit_%(prefix)s' % {'prefix': PREFIX},
    bash_command='events audit',
    dag=dag,
)

start >> extract >> normalize >> [load, load_alt]
finish << load
finish << load_alt
finish >> cleanup >> audit
