"""
Trains the scoring models in Kubernetes pods (one pod per model) after a shared
feature-preparation pod.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.contrib.operators.kubernetes_pod_operator import KubernetesPodOperator

MODELS = ['Churn_Model', 'LTV_Model', 'Fraud_Model']
IMAGE = 'registry.example.com/ml/trainer:3.2.0'

default_args = {
    'owner': 'ml-platform',
    'start_date': datetime(2021, 2, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=10),
}

with DAG('k8s_model_training', default_args=default_args, schedule_interval='@weekly',
         catchup=False) as dag:
    prepare = KubernetesPodOperator(
        task_id='prepare-features',
        name='prepare-features',
        namespace='ml',
        image=IMAGE,
        cmds=['python', '-m', 'features.build'],
        arguments=['--date', '{{ ds }}'],
        get_logs=True,
        is_delete_operator_pod=True,
        in_cluster=True,
    )

    for model in MODELS:
        pod_name = model.lower().replace('_', '-')
        train = KubernetesPodOperator(
            task_id='train-' + pod_name,
            name=pod_name,
            namespace='ml',
            image=IMAGE,
            cmds=['python', '-m', 'trainer'],
            arguments=['--model', model.upper(), '--date', '{{ ds }}'],
            resources={'request_memory': '8Gi', 'request_cpu': '2'},
            get_logs=True,
            is_delete_operator_pod=True,
            in_cluster=True,
        )
        prepare >> train
