"""One export DAG per partner, generated from PARTNERS.

Adding a partner = adding an entry below. Each generated DAG unloads the partner's tables from
Redshift to S3, copies them to the partner's drop bucket and records the delivery.
"""
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator
from airflow.providers.amazon.aws.transfers.redshift_to_s3 import RedshiftToS3Operator
import pendulum

from common import build_default_args
from common.constants import AWS_CONN_ID, PARTNER_EXPORT_BUCKET, REDSHIFT_CONN_ID

PARTNERS = {
    'northwind': {'schedule': '0 4 * * *', 'tables': ['orders', 'returns'], 'owner': 'analytics'},
    'globex': {'schedule': '0 5 * * 1', 'tables': ['orders'], 'owner': 'analytics'},
    'initech': {'schedule': '@daily', 'tables': ['orders', 'inventory', 'returns'], 'owner': 'data-eng'},
}


def record_delivery(partner, tables, **context):
    """Log the delivery; the partner-ops dashboard reads these lines."""
    print('DELIVERED partner={} tables={} ds={} run_id={}'.format(
        partner, ','.join(tables), context['ds'], context['run_id']))


def create_export_dag(dag_id, partner, config):
    dag = DAG(
        dag_id=dag_id,
        default_args=build_default_args(config['owner'], retries=3),
        schedule=config['schedule'],
        start_date=pendulum.datetime(2023, 12, 31, tz="UTC"),
        catchup=False,
    )

    with dag:
        record = PythonOperator(
            task_id='record_delivery',
            python_callable=record_delivery,
            op_kwargs={'partner': partner, 'tables': config['tables']},
        )
        for table in config['tables']:
            unload = RedshiftToS3Operator(
                task_id='unload_{}'.format(table),
                schema='exports',
                table='{}_{}'.format(partner, table),
                s3_bucket=PARTNER_EXPORT_BUCKET,
                s3_key='staging/{}/{}/{{{{ ds }}}}'.format(partner, table),
                redshift_conn_id=REDSHIFT_CONN_ID,
                aws_conn_id=AWS_CONN_ID,
                unload_options=['CSV', 'GZIP', 'ALLOWOVERWRITE'],
            )
            deliver = BashOperator(
                task_id='deliver_{}_{}'.format(partner, table),
                bash_command=(
                    'aws s3 sync s3://{bucket}/staging/{partner}/{table}/{{{{ ds }}}}/ '
                    's3://{bucket}/outbound/{partner}/{table}/{{{{ ds_nodash }}}}/'
                ).format(bucket=PARTNER_EXPORT_BUCKET, partner=partner, table=table),
            )
            unload >> deliver >> record

    return dag


for partner, config in PARTNERS.items():
    dag_id = 'partner_export_{}'.format(partner)
    globals()[dag_id] = create_export_dag(dag_id, partner, config)
