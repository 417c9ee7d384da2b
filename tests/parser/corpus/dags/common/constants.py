"""Constants shared by the DAG files in this folder."""
from datetime import datetime, timedelta

OWNER = "data-platform"
ALERT_EMAILS = ["data-alerts@example.com"]
DEFAULT_START_DATE = datetime(2020, 1, 1)
RETRY_DELAY = timedelta(minutes=5)

# Which stack this checkout is deployed to; switched by the release pipeline.
ENVIRONMENT = "prod"

S3_BUCKET = "acme-data-lake"
GCP_PROJECT = "acme-analytics"
DAILY_AT_6 = "0 6 * * *"

REGIONS = ["us", "eu", "apac"]
WAREHOUSE_TABLES = ("orders", "customers", "payments")
