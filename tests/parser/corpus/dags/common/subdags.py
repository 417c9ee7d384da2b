"""Sub-DAG factories used with SubDagOperator (the sub-DAG id must be parent.child)."""
from airflow.models import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator


def load_tables_subdag(parent_dag_id, child_dag_id, default_args, tables):
    subdag = DAG(
        dag_id="{}.{}".format(parent_dag_id, child_dag_id),
        default_args=default_args,
        schedule_interval="@daily",
    )
    finished = DummyOperator(task_id="tables_loaded", dag=subdag)
    for table in tables:
        load = BashOperator(
            task_id="load_%s" % table,
            bash_command="load_table.sh %s {{ ds }} " % table,
            dag=subdag,
        )
        load >> finished
    return subdag
