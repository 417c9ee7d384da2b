"""
Address geocoding with libraries that clash with the worker's own packages, so the
heavy steps run in throwaway virtualenvs.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import PythonVirtualenvOperator


def enrich_addresses():
    import geopandas as gpd  # noqa: only inside the virtualenv

    frame = gpd.read_file('/data/geo/addresses.geojson')
    frame.to_parquet('/data/geo/addresses_enriched.parquet')


def build_tiles(zoom):
    import mercantile  # noqa: only inside the virtualenv

    print(list(mercantile.tiles(-10, 35, 30, 60, zooms=[zoom]))[:3])


default_args = {
    'owner': 'geo',
    'start_date': datetime(2021, 1, 4),
    'retries': 1,
    'retry_delay': timedelta(minutes=15),
}

with DAG('geo_enrichment', default_args=default_args, schedule_interval='@weekly') as dag:
    enrich = PythonVirtualenvOperator(
        task_id='enrich_addresses',
        python_callable=enrich_addresses,
        requirements=['geopandas==0.8.1', 'pyarrow==2.0.0'],
        system_site_packages=False,
    )

    tiles = [
        PythonVirtualenvOperator(
            task_id='build_tiles_z%d' % zoom,
            python_callable=build_tiles,
            op_kwargs={'zoom': zoom},
            requirements=['mercantile==1.1.6'],
            system_site_packages=False,
        )
        for zoom in (8, 12)
    ]

    publish = BashOperator(
        task_id='publish_tiles',
        bash_command='aws s3 sync /data/geo/tiles s3://acme-geo/tiles/{{ ds }}/',
    )

    enrich >> tiles >> publish
