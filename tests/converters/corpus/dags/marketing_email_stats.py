# -*- coding: utf-8 -*-
"""
Marketing e-mail engagement stats.

Pulls the campaign list from the ESP, exports opens and clicks and builds the
engagement report the CRM team reads every morning.

NOTE: this file predates the module-per-operator layout and still imports
operators from the flat package.
"""
import json
from datetime import datetime, timedelta

from airflow.models import DAG
from airflow.operators import BashOperator, PythonOperator

ESP_EXPORT = "/opt/marketing/bin/esp_export"

default_args = {
    "owner": "marketing-analytics",
    "start_date": datetime(2019, 6, 1),
    "email": ["crm-analytics@acme.example.com"],
    "retries": 1,
    "retry_delay": timedelta(minutes=15),
}

dag = DAG(
    "marketing_email_stats",
    default_args=default_args,
    schedule_interval="30 4 * * *",
    concurrency=4,
    catchup=False,
)


def pull_campaigns():
    """Static list for now -- the ESP API for campaigns is paginated and flaky."""
    with open("/opt/marketing/config/campaigns.json") as fh:
        campaigns = json.load(fh)
    return [c["id"] for c in campaigns if c.get("active")]


def build_report(ds, **kwargs):
    ti = kwargs["ti"]
    campaigns = ti.xcom_pull(task_ids="pull_campaigns")
    print("building engagement report for %s (%d campaigns)" % (ds, len(campaigns or [])))


pull = PythonOperator(
    task_id="pull_campaigns",
    python_callable=pull_campaigns,
    provide_context=False,
    dag=dag,
)

export_opens = BashOperator(
    task_id="export_opens",
    bash_command=ESP_EXPORT + " --event open --date {{ ds }} --out /data/esp/opens_{{ ds_nodash }}.csv",
    dag=dag,
)

export_clicks = BashOperator(
    task_id="export_clicks",
    bash_command=ESP_EXPORT + " --event click --date {{ ds }} --out /data/esp/clicks_{{ ds_nodash }}.csv",
    dag=dag,
)

report = PythonOperator(
    task_id="build_engagement_report",
    python_callable=build_report,
    provide_context=True,
    dag=dag,
)

pull >> [export_opens, export_clicks]
report << [export_opens, export_clicks]
