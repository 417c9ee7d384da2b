"""Custom sensors, registered as the `custom_sensors` Airflow plugin.

Importable as airflow.sensors.custom_sensors.X or airflow.operators.custom_sensors.X
(Airflow 1.10 puts plugin sensors in both), or directly from this module.
"""
from airflow.plugins_manager import AirflowPlugin
from airflow.sensors.base_sensor_operator import BaseSensorOperator
from airflow.utils.decorators import apply_defaults


class PartitionSensor(BaseSensorOperator):
    """Waits until a Hive-style partition has landed in the warehouse."""

    template_fields = ("table", "partition")

    @apply_defaults
    def __init__(self, table, partition="ds='{{ ds }}'", conn_id="warehouse",
                 *args, **kwargs):
        super(PartitionSensor, self).__init__(*args, **kwargs)
        self.table = table
        self.partition = partition
        self.conn_id = conn_id

    def poke(self, context):
        from airflow.hooks.postgres_hook import PostgresHook

        sql = "SELECT 1 FROM partitions WHERE table_name = %s AND spec = %s"
        return bool(PostgresHook(postgres_conn_id=self.conn_id).get_first(
            sql, parameters=(self.table, self.partition)))


class ApiHealthSensor(BaseSensorOperator):
    """Waits until a service answers 200 on its /health endpoint."""

    @apply_defaults
    def __init__(self, service, http_conn_id="http_default", *args, **kwargs):
        super(ApiHealthSensor, self).__init__(*args, **kwargs)
        self.service = service
        self.http_conn_id = http_conn_id

    def poke(self, context):
        from airflow.hooks.http_hook import HttpHook

        response = HttpHook(method="GET", http_conn_id=self.http_conn_id).run(
            "/{}/health".format(self.service))
        return response.status_code == 200


class CustomSensorsPlugin(AirflowPlugin):
    name = "custom_sensors"
    operators = []
    sensors = [PartitionSensor, ApiHealthSensor]
