from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("f01", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
T("%5s|%-4d|%03d" % ("ab", 7, 5).replace(" ", "_").replace("|", "."))
T("{:>5}.{:<3}.{:^7}".format("a", "b", "c").replace(" ", "_"))
T("{0!r}".format("q").replace("\x27", "Q"))
T("%.2f_%e" % (3.14159, 12345.678))
