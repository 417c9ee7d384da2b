"""Operators for the ACME partner feeds."""
import csv
import io

from airflow.hooks.S3_hook import S3Hook
from airflow.models import BaseOperator
from airflow.utils.decorators import apply_defaults

from acme.hooks import AcmeHook


class AcmeOperator(BaseOperator):
    """Read a CSV extract from S3 and push it to an ACME partner feed.

    Returns the ACME batch id (pushed to XCom).
    """

    template_fields = ('s3_key', 'feed')
    ui_color = '#f4a460'

    @apply_defaults
    def __init__(self, feed, s3_key, s3_bucket='acme-partner-exports',
                 acme_conn_id='acme_api', aws_conn_id='aws_default', *args, **kwargs):
        super(AcmeOperator, self).__init__(*args, **kwargs)
        self.feed = feed
        self.s3_key = s3_key
        self.s3_bucket = s3_bucket
        self.acme_conn_id = acme_conn_id
        self.aws_conn_id = aws_conn_id

    def execute(self, context):
        body = S3Hook(aws_conn_id=self.aws_conn_id).read_key(self.s3_key, self.s3_bucket)
        records = list(csv.DictReader(io.StringIO(body)))
        self.log.info('pushing %d records to ACME feed %s', len(records), self.feed)
        return AcmeHook(self.acme_conn_id).push(self.feed, records)
