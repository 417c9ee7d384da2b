"""Names shared across DAGs: buckets, connections, clusters, alert addresses.

Everything here is a placeholder for the demo deployment; the real values live in the
environment's Airflow Variables and Connections.
"""
from datetime import timedelta

TEAM_EMAIL = ['data-alerts@example.com']
OWNER_DATA_ENG = 'data-eng'
OWNER_ANALYTICS = 'analytics'
OWNER_DATA_SCIENCE = 'data-science'

# S3
DATA_LAKE_BUCKET = 'acme-data-lake-placeholder'
LANDING_BUCKET = 'acme-landing-placeholder'
PARTNER_EXPORT_BUCKET = 'acme-partner-exports-placeholder'
ARTIFACTS_BUCKET = 'acme-ml-artifacts-placeholder'

# Connections (defined in the Airflow UI / secrets backend, never in code)
AWS_CONN_ID = 'aws_default'
EMR_CONN_ID = 'emr_default'
REDSHIFT_CONN_ID = 'redshift_default'

# Compute
AWS_REGION = 'eu-west-1'
ECS_CLUSTER = 'data-batch-placeholder'
ECS_SUBNETS = ['subnet-00000000000000001', 'subnet-00000000000000002']
ECS_SECURITY_GROUPS = ['sg-00000000000000000']

# Where the repository is checked out on the workers (scripts/ sits beside the DAG files).
SCRIPTS_DIR = '/usr/local/airflow/dags/scripts'

DEFAULT_RETRIES = 2
DEFAULT_RETRY_DELAY = timedelta(minutes=5)
