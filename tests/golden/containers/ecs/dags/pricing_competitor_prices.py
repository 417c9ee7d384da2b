"""Competitor price scraping, every two hours.

Third user of the "pricing" project: the 02:00 run overlaps pricing_model_training and
pricing_daily_scoring, and all three build /tmp/airflow_venvs/pricing on whichever Celery worker
picks them up. The scraper needs requests/lxml versions the model does not, so one venv at one
path is reinstalled under the others several times a night.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from dagport_container import ContainerTaskOperator

from common.constants import ARTIFACTS_BUCKET, SCRIPTS_DIR

SCRAPER_REQUIREMENTS = [
    'requests==2.25.1',
    'lxml==4.6.2',
    'pandas==1.1.5',
    'boto3==1.17.0',
]

COMPETITORS = ['globex', 'initech', 'umbrella']

default_args = {
    'owner': 'data-science',
    'retries': 3,
    'retry_delay': timedelta(minutes=5),
    'execution_timeout': timedelta(minutes=45),
}

dag = DAG(
    'pricing_competitor_prices',
    default_args=default_args,
    schedule='0 */2 * * *',
    start_date=datetime(2021, 3, 1),
    catchup=False,
    max_active_runs=1,
)

done = EmptyOperator(task_id='all_competitors_scraped', dag=dag)

for competitor in COMPETITORS:
    scrape = ContainerTaskOperator(
        task_id='scrape_{}'.format(competitor),
        requirements=SCRAPER_REQUIREMENTS,
        command='{}/pricing/scrape.py --competitor {} --ts {{{{ ts_nodash }}}} --out s3://{}/pricing/competitors/'.format(
            SCRIPTS_DIR, competitor, ARTIFACTS_BUCKET),
        python_version='3.7',
        dag=dag,
        environment={'PROJECT': 'pricing'},
        command_style='python',
    )
    scrape >> done
