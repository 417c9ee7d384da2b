"""
Retention enforcement for the landing buckets. The operators are specific to this DAG,
so they live in this file instead of a plugin.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import BaseOperator
from airflow.operators.bash_operator import BashOperator
from airflow.utils.decorators import apply_defaults

RETENTION = [
    ('acme-landing', 'partners/', 30),
    ('acme-landing', 'tmp/', 2),
    ('acme-exports', 'adhoc/', 7),
]


class S3PrefixCleanupOperator(BaseOperator):
    """Delete objects under a prefix that are older than `days`."""

    template_fields = ('prefix',)
    ui_color = '#f9c4c4'

    @apply_defaults
    def __init__(self, bucket, prefix, days, aws_conn_id='aws_default', *args, **kwargs):
        super(S3PrefixCleanupOperator, self).__init__(*args, **kwargs)
        self.bucket = bucket
        self.prefix = prefix
        self.days = days
        self.aws_conn_id = aws_conn_id

    def execute(self, context):
        from airflow.hooks.S3_hook import S3Hook  # boto3 only needed at run time

        hook = S3Hook(aws_conn_id=self.aws_conn_id)
        cutoff = context['execution_date'] - timedelta(days=self.days)
        for key in hook.list_keys(self.bucket, prefix=self.prefix) or []:
            obj = hook.get_key(key, self.bucket)
            if obj.last_modified < cutoff:
                obj.delete()


class AuditedBashOperator(BashOperator):
    """BashOperator that records what it ran in the audit log."""

    @apply_defaults
    def __init__(self, audit_tag, *args, **kwargs):
        super(AuditedBashOperator, self).__init__(*args, **kwargs)
        self.audit_tag = audit_tag

    def execute(self, context):
        self.log.info('audit[%s]: %s', self.audit_tag, self.bash_command)
        return super(AuditedBashOperator, self).execute(context)


default_args = {
    'owner': 'platform-ops',
    'start_date': datetime(2020, 2, 1),
}

with DAG('file_retention', default_args=default_args, schedule_interval='@daily') as dag:
    report = AuditedBashOperator(
        task_id='retention_report',
        bash_command='s3-usage-report acme-landing acme-exports',
        audit_tag='retention',
    )
    for bucket, prefix, days in RETENTION:
        cleanup = S3PrefixCleanupOperator(
            task_id='cleanup_{}_{}'.format(bucket.replace('-', '_'), prefix.rstrip('/')),
            bucket=bucket,
            prefix=prefix,
            days=days,
        )
        cleanup >> report
