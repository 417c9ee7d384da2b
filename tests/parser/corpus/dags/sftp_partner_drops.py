"""
Hourly check of partner SFTP drops: wait for each partner's marker file, make sure the
hosts answer, then consolidate.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.contrib.sensors.file_sensor import FileSensor
from airflow.operators.bash_operator import BashOperator

PARTNER_HOSTS = {
    'acme': 'ftp.acme.com',
    'globex': 'sftp.globex.io',
    'initech': 'ftp.initech.net',
}

default_args = {
    'owner': 'partnerships',
    'start_date': datetime(2021, 2, 1),
    'retries': 0,
    'execution_timeout': timedelta(minutes=50),
}

dag = DAG('sftp_partner_drops', default_args=default_args, schedule_interval='@hourly',
          catchup=False)

consolidate = BashOperator(
    task_id='consolidate_drops',
    bash_command='drops consolidate --hour {{ ts_nodash }}',
    dag=dag,
)

for partner in PARTNER_HOSTS.keys():
    wait = FileSensor(
        task_id=f'wait_for_{partner}_drop',
        filepath=f'/mnt/sftp/{partner}/incoming/{{{{ ts_nodash }}}}.done',
        fs_conn_id='sftp_mount',
        poke_interval=120,
        timeout=45 * 60,
        dag=dag,
    )
    wait >> consolidate

for host in PARTNER_HOSTS.values():
    ping = BashOperator(
        task_id='check_' + host.replace('.', '_'),
        bash_command='nc -z -w 10 %s 22' % host,
        dag=dag,
    )
    consolidate.set_upstream(ping)
