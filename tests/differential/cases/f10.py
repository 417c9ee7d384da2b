from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("f10", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
from datetime import date
T((SD + timedelta(days=40)).strftime("%Y_%m_%d_%H%M"))
T(SD.strftime("%b%d%a%j"))
T(str(SD.year) + str(SD.month).zfill(2))
T(SD.isoformat().replace(":", "_"))
T((SD - timedelta(hours=1)).strftime("%Y%m%d%H"))
T(str(date(2020, 2, 3)).replace("-", "_"))
T(SD.date().isoformat().replace("-", ""))
