"""
Weekly churn-model training on the shared EKS cluster (ML platform).

build_features and train_model run in pods of the ml-jobs namespace; the evaluation
pod writes its metrics to /airflow/xcom/return.json so publish_metrics can read them.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.contrib.operators.kubernetes_pod_operator import KubernetesPodOperator
from airflow.operators.python_operator import PythonOperator

IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ml/churn:2021.03'

default_args = {
    'owner': 'ml-platform',
    'start_date': datetime(2021, 3, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=20),
}


def publish_metrics(**context):
    metrics = context['ti'].xcom_pull(task_ids='evaluate_model')
    print('AUC=%(auc).4f precision@10=%(p_at_10).4f' % metrics)


with DAG('ml_feature_training', default_args=default_args,
         schedule_interval='0 3 * * 0', catchup=False) as dag:

    build_features = KubernetesPodOperator(
        task_id='build_features',
        name='churn-build-features',
        namespace='ml-jobs',
        image=IMAGE,
        cmds=['python', '-m', 'churn.features'],
        arguments=['--week-ending', '{{ ds }}'],
        env_vars={'FEATURE_STORE_BUCKET': 'acme-feature-store'},
        labels={'team': 'ml-platform', 'job': 'churn'},
        get_logs=True,
        in_cluster=True,
    )

    train_model = KubernetesPodOperator(
        task_id='train_model',
        name='churn-train',
        namespace='ml-jobs',
        image=IMAGE,
        cmds=['python', '-m', 'churn.train'],
        arguments=['--week-ending', '{{ ds }}', '--epochs', '30'],
        resources={'request_cpu': '2', 'request_memory': '8Gi', 'limit_cpu': '4', 'limit_memory': '16Gi'},
        node_selectors={'nodegroup': 'ml-highmem'},
        is_delete_operator_pod=True,
        get_logs=True,
        in_cluster=True,
        startup_timeout_seconds=600,
    )

    evaluate_model = KubernetesPodOperator(
        task_id='evaluate_model',
        name='churn-evaluate',
        namespace='ml-jobs',
        image=IMAGE,
        cmds=['python', '-m', 'churn.evaluate'],
        arguments=['--week-ending', '{{ ds }}'],
        do_xcom_push=True,
        get_logs=True,
        in_cluster=True,
    )

    publish = PythonOperator(
        task_id='publish_metrics',
        python_callable=publish_metrics,
        provide_context=True,
    )

    build_features >> train_model >> evaluate_model >> publish
