"""Registers the ACME operators and hooks as the `acme_plugin` Airflow plugin.

DAGs import the operator as
    from airflow.operators.acme_plugin import AcmeOperator
(some older DAGs still use the flat `from airflow.operators import AcmeOperator`).
"""
from airflow.plugins_manager import AirflowPlugin

from acme.hooks import AcmeHook
from acme.operators import AcmeOperator


class AcmePlugin(AirflowPlugin):
    name = "acme_plugin"
    operators = [AcmeOperator]
    hooks = [AcmeHook]
