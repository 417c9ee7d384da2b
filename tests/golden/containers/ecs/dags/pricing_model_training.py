"""Nightly retraining of the dynamic pricing model.

The model pins scikit-learn 0.22 (newer versions change the GBM defaults and the model drifts),
which is why it runs through the venv plugin instead of the workers' own Python.
"""
import logging

from airflow import DAG
from airflow.providers.amazon.aws.hooks.s3 import S3Hook
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator
from dagport_container import ContainerTaskOperator
import pendulum

from common import build_default_args
from common.constants import ARTIFACTS_BUCKET, AWS_CONN_ID, DATA_LAKE_BUCKET, SCRIPTS_DIR

PRICING_REQUIREMENTS = [
    'pandas==1.1.5',
    'numpy==1.19.5',
    'scikit-learn==0.22.2.post1',
    'pyarrow==2.0.0',
    'boto3==1.17.0',
]

default_args = build_default_args('data-science', retries=1, email=['pricing-ds@example.com'])


def check_training_data(**context):
    """Fail early when the feature snapshot for the run is missing."""
    key = 'features/pricing/dt={}/_SUCCESS'.format(context['ds'])
    if not S3Hook(aws_conn_id=AWS_CONN_ID).check_for_key(key, bucket_name=DATA_LAKE_BUCKET):
        raise ValueError('Missing s3://{}/{}'.format(DATA_LAKE_BUCKET, key))
    logging.info('Training data present for %s', context['ds'])


with DAG(
    'pricing_model_training',
    default_args=default_args,
    description='Retrain the pricing model on the latest feature snapshot',
    schedule='0 2 * * *',
    start_date=pendulum.datetime(2023, 12, 31, tz="UTC"),
    catchup=False,
) as dag:

    check_data = PythonOperator(
        task_id='check_training_data',
        python_callable=check_training_data,
    )

    train = ContainerTaskOperator(
        task_id='train_price_model',
        requirements=PRICING_REQUIREMENTS,
        command=SCRIPTS_DIR + '/pricing/train.py --features latest --out /tmp/pricing_model.pkl',
        python_version='3.7',
        pool='ml_training',
        environment={'PROJECT': 'pricing'},
        command_style='python',
    )

    publish = BashOperator(
        task_id='publish_model',
        bash_command='aws s3 cp /tmp/pricing_model.pkl s3://' + ARTIFACTS_BUCKET + '/pricing/{{ ds }}/model.pkl',
    )

    check_data >> train >> publish
