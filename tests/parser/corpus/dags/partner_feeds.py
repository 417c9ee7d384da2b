"""
Partner feed ingestion, driven by a config dict.

Compressed feeds get an extra unzip step between download and parse.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator

PARTNER_FEEDS = {
    'acme': {'format': 'csv', 'compressed': True},
    'globex': {'format': 'json', 'compressed': False},
    'initech': {'format': 'csv', 'compressed': True},
    'umbrella': {'format': 'xml', 'compressed': False},
}

default_args = {
    'owner': 'partnerships',
    'start_date': datetime(2020, 6, 15),
    'retries': 2,
}


def parse_feed(partner, fmt, **context):
    print('parsing %s feed (%s) for %s' % (partner, fmt, context['ds']))


with DAG('partner_feeds', default_args=default_args, schedule_interval='0 3 * * *') as dag:
    all_landed = DummyOperator(task_id='all_feeds_landed')

    for partner, cfg in PARTNER_FEEDS.items():
        download = BashOperator(
            task_id='download_{}'.format(partner),
            bash_command='feeds download {} --date {{{{ ds }}}}'.format(partner),
        )
        last = download
        if cfg['compressed']:
            unzip = BashOperator(
                task_id='unzip_{}'.format(partner),
                bash_command='gunzip -f /data/feeds/{}/{{{{ ds }}}}.gz'.format(partner),
            )
            download >> unzip
            last = unzip

        parse = PythonOperator(
            task_id='parse_{}_{}'.format(partner, cfg['format']),
            python_callable=parse_feed,
            op_kwargs={'partner': partner, 'fmt': cfg['format']},
            provide_context=True,
        )
        last >> parse >> all_landed
