from datetime import datetime, timedelta
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
SD = datetime(2020, 1, 1)
dag = DAG("f03", start_date=SD)
def T(x):
    return DummyOperator(task_id=str(x), dag=dag)
x = "abcdefgh"
T(x[::-2])
T(x[-3:])
T(x[1:-1:3])
T(str(int("08")) + str(1.0) + str(True) + str(None))
T(str(round(2.5)) + str(round(3.5)) + str(round(2.675, 2)))
T(str(7 // 2) + str(-7 // 2) + str(divmod(17, 5)).replace(" ", "").replace("(", "").replace(")", "").replace(",", "_"))
