"""
Load the day's events into BigQuery and materialise the standard reports.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.contrib.operators.bigquery_operator import BigQueryOperator
from airflow.contrib.operators.gcs_to_bq import GoogleCloudStorageToBigQueryOperator

from common.constants import GCP_PROJECT

REPORTS = {
    'daily_active_users': """
        SELECT DATE(event_ts) AS day, COUNT(DISTINCT user_id) AS dau
        FROM `{project}.raw.events`
        WHERE DATE(event_ts) = '{{{{ ds }}}}'
        GROUP BY day
    """,
    'revenue_by_country': """
        SELECT country, SUM(amount) AS revenue
        FROM `{project}.raw.events`
        WHERE event_name = 'purchase' AND DATE(event_ts) = '{{{{ ds }}}}'
        GROUP BY country
    """,
}

default_args = {
    'owner': 'gcp-data',
    'start_date': datetime(2020, 1, 1),
    'retries': 2,
    'retry_delay': timedelta(minutes=5),
}

dag = DAG('bigquery_reports', default_args=default_args, schedule_interval='0 3 * * *',
          catchup=False)

load_events = GoogleCloudStorageToBigQueryOperator(
    task_id='load_events_to_bq',
    bucket='acme-events',
    source_objects=['events/{{ ds }}/*.json'],
    destination_project_dataset_table='%s.raw.events${{ ds_nodash }}' % GCP_PROJECT,
    source_format='NEWLINE_DELIMITED_JSON',
    write_disposition='WRITE_TRUNCATE',
    autodetect=True,
    dag=dag,
)

for name, sql in REPORTS.items():
    report = BigQueryOperator(
        task_id='bq_%s' % name,
        sql=sql.format(project=GCP_PROJECT),
        destination_dataset_table='{}.reports.{}_{{{{ ds_nodash }}}}'.format(GCP_PROJECT, name),
        write_disposition='WRITE_TRUNCATE',
        use_legacy_sql=False,
        dag=dag,
    )
    load_events >> report
