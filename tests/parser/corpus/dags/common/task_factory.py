"""Task factories shared by several DAGs.

The functions take the DAG explicitly, except make_marker, which relies on being called
inside a `with DAG(...)` block when no dag is passed.
"""
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator


def _validate_extract(source, **context):
    print("validating extract of %s for %s" % (source, context["ds"]))


def make_bash_task(dag, name, command, **kwargs):
    """One BashOperator whose task_id is run_<name>."""
    return BashOperator(
        task_id="run_{}".format(name),
        bash_command=command,
        dag=dag,
        **kwargs
    )


def make_ingest_tasks(dag, source):
    """extract -> validate -> load for one source; returns the three tasks in order."""
    extract = BashOperator(
        task_id=f"extract_{source}",
        bash_command=f"ingest extract --source {source} --date {{{{ ds }}}}",
        dag=dag,
    )
    validate = PythonOperator(
        task_id=f"validate_{source}",
        python_callable=_validate_extract,
        op_kwargs={"source": source},
        provide_context=True,
        dag=dag,
    )
    load = BashOperator(
        task_id=f"load_{source}",
        bash_command=f"ingest load --source {source} --date {{{{ ds }}}}",
        dag=dag,
    )
    extract >> validate >> load
    return [extract, validate, load]


def make_marker(name, dag=None):
    """A DummyOperator used as a start/end marker."""
    return DummyOperator(task_id=name, dag=dag)
