"""Daily price scoring: scores every active product with the current pricing model.

Same project ("pricing") and the same requirements as pricing_model_training, and it runs at
the same hour: on a shared Celery worker the two tasks use the same virtualenv folder.
"""
from datetime import timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator
from airflow.providers.amazon.aws.transfers.s3_to_redshift import S3ToRedshiftOperator
from dagport_container import ContainerTaskOperator
import pendulum

from common.constants import ARTIFACTS_BUCKET, AWS_CONN_ID, REDSHIFT_CONN_ID, SCRIPTS_DIR

default_args = {
    'owner': 'data-science',
    'depends_on_past': False,
    'email': ['pricing-ds@example.com'],
    'email_on_failure': True,
    'email_on_retry': False,
    'retries': 2,
    'retry_delay': timedelta(minutes=10),
}

dag = DAG(
    'pricing_daily_scoring',
    default_args=default_args,
    schedule='0 2 * * *',
    start_date=pendulum.datetime(2023, 12, 31, tz="UTC"),
    catchup=False,
)


def summarize_scores(**context):
    rows = context['ti'].xcom_pull(task_ids='load_scores')
    print('Scored products loaded for {}: {}'.format(context['ds'], rows))


fetch_model = BashOperator(
    task_id='fetch_current_model',
    bash_command='aws s3 cp s3://' + ARTIFACTS_BUCKET + '/pricing/current/model.pkl /tmp/pricing_current.pkl',
    dag=dag,
)

score = ContainerTaskOperator(
    task_id='score_products',
    requirements=[
        'pandas==1.1.5',
        'numpy==1.19.5',
        'scikit-learn==0.22.2.post1',
        'pyarrow==2.0.0',
        'boto3==1.17.0',
    ],
    command=SCRIPTS_DIR + '/pricing/score.py --model /tmp/pricing_current.pkl --out s3://' + ARTIFACTS_BUCKET + '/pricing/scores/latest/',
    dag=dag,
    environment={'PROJECT': 'pricing'},
    python_version='3.7',
    command_style='python',
)

load_scores = S3ToRedshiftOperator(
    task_id='load_scores',
    schema='pricing',
    table='product_scores',
    s3_bucket=ARTIFACTS_BUCKET,
    s3_key='pricing/scores/latest',
    redshift_conn_id=REDSHIFT_CONN_ID,
    aws_conn_id=AWS_CONN_ID,
    copy_options=['FORMAT AS PARQUET'],
    dag=dag,
)

summary = PythonOperator(
    task_id='summarize_scores',
    python_callable=summarize_scores,
    dag=dag,
)

score.set_upstream(fetch_model)
load_scores.set_upstream(score)
summary.set_upstream(load_scores)
