"""
Partner file drop (partnerships team).

Partners drop their daily manifest on the NFS share mounted on the workers. We wait for
it, count the rows, and only ingest when there is something new.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.contrib.sensors.file_sensor import FileSensor
from airflow.operators.bash_operator import BashOperator
from airflow.operators.python_operator import ShortCircuitOperator

DROP_DIR = '/mnt/partner_drop/acme_retail'

default_args = {
    'owner': 'partnerships',
    'start_date': datetime(2020, 2, 1),
    'retries': 3,
    'retry_delay': timedelta(minutes=2),
}


def _has_new_rows(**context):
    rows = int(context['ti'].xcom_pull(task_ids='count_manifest_rows') or 0)
    print('manifest has %d data rows' % rows)
    return rows > 0


with DAG('partner_file_drop', default_args=default_args,
         schedule_interval='0 */4 * * *', catchup=False) as dag:
    wait_manifest = FileSensor(
        task_id='wait_for_manifest',
        fs_conn_id='partner_drop_fs',
        filepath=DROP_DIR + '/manifest_{{ ds_nodash }}.csv',
        poke_interval=120,
        mode='reschedule',
    )

    # last line of stdout goes to XCom: the number of data rows
    count_rows = BashOperator(
        task_id='count_manifest_rows',
        bash_command="tail -n +2 " + DROP_DIR + "/manifest_{{ ds_nodash }}.csv | wc -l",
        xcom_push=True,
    )

    has_rows = ShortCircuitOperator(
        task_id='has_new_rows',
        python_callable=_has_new_rows,
        provide_context=True,
    )

    ingest = BashOperator(
        task_id='ingest_manifest',
        bash_command='partner-ingest --partner acme_retail --file ' + DROP_DIR + '/manifest_{{ ds_nodash }}.csv',
    )

    wait_manifest >> count_rows >> has_rows >> ingest
