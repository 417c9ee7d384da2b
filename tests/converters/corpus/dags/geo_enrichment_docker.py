"""
Geo enrichment of customer addresses (geo team).

Runs the geocoder image on the docker host of the worker. The OSM extract is shared
with the container through a read-only bind mount; results land in /data/geo/out.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.docker_operator import DockerOperator
from airflow.operators.python_operator import PythonOperator

GEOCODER_IMAGE = 'acme/geocoder:1.8.2'

default_args = {
    'owner': 'geo',
    'start_date': datetime(2020, 9, 1),
    'retries': 1,
    'retry_delay': timedelta(minutes=10),
}


def notify_stats(**context):
    stats = context['ti'].xcom_pull(task_ids='geocode_stats')
    print('geocoding stats for %s: %s' % (context['ds'], stats))


dag = DAG('geo_enrichment_docker', default_args=default_args,
          schedule_interval='@daily', catchup=True, max_active_runs=2)

download = BashOperator(
    task_id='download_osm_extract',
    bash_command='osm-sync --region europe --target /data/geo/osm --if-older-than 7d',
    dag=dag,
)

enrich = DockerOperator(
    task_id='enrich_addresses',
    image=GEOCODER_IMAGE,
    command='geocode --input /data/in/addresses_{{ ds_nodash }}.csv --until {{ next_ds }} --out /data/out',
    volumes=['/data/geo/osm:/data/osm:ro', '/data/geo/in:/data/in:ro', '/data/geo/out:/data/out'],
    environment={'GEOCODER_THREADS': '8'},
    docker_url='unix://var/run/docker.sock',
    dag=dag,
)

stats = DockerOperator(
    task_id='geocode_stats',
    image=GEOCODER_IMAGE,
    command='geocode-stats --dir /data/out --date {{ ds }}',
    volumes=['/data/geo/out:/data/out:ro'],
    xcom_push=True,
    dag=dag,
)

notify = PythonOperator(
    task_id='notify_stats',
    python_callable=notify_stats,
    provide_context=True,
    dag=dag,
)

download >> enrich >> stats >> notify
