"""Geocode new customer addresses and rebuild the region lookup.

Needs pyproj/geopandas versions the workers cannot have next to the pricing stack, so both
steps run through the venv plugin.
"""
from datetime import timedelta

from airflow import DAG
from airflow.providers.postgres.operators.postgres import PostgresOperator
from dagport_container import ContainerTaskOperator
import pendulum

from common import build_default_args
from common.constants import DATA_LAKE_BUCKET, REDSHIFT_CONN_ID, SCRIPTS_DIR

GEO_REQUIREMENTS = ['geopandas==0.9.0', 'pyproj==3.0.1', 'shapely==1.7.1', 'requests==2.25.1']

default_args = build_default_args('data-eng', retries=2, retry_delay=timedelta(minutes=3))

with DAG(
    dag_id='geo_enrichment',
    default_args=default_args,
    schedule='@daily',
    start_date=pendulum.datetime(2023, 12, 30, tz="UTC"),
    catchup=True,
    max_active_runs=2,
) as dag:

    geocode = ContainerTaskOperator(
        task_id='geocode_addresses',
        requirements=GEO_REQUIREMENTS,
        command=SCRIPTS_DIR + '/geo/geocode.py --date {{ ds }} --input s3://' + DATA_LAKE_BUCKET + '/crm/addresses/dt={{ ds }}/',
        python_version='3.8',
        execution_timeout=timedelta(hours=2),
        environment={'PROJECT': 'geo_enrichment'},
        command_style='python',
    )

    region_lookup = ContainerTaskOperator(
        task_id='build_region_lookup',
        requirements=GEO_REQUIREMENTS + ['rtree==0.9.7'],
        command=SCRIPTS_DIR + '/geo/region_lookup.py',
        python_version='3.8',
        environment={'PROJECT': 'geo_enrichment'},
        command_style='python',
    )

    load_dimension = PostgresOperator(
        task_id='load_geo_dimension',
        postgres_conn_id=REDSHIFT_CONN_ID,
        sql="CALL core.load_geo_dimension('{{ ds }}');",
    )

    geocode >> region_lookup >> load_dimension
