"""Hook for the ACME partner REST API."""
import json

import requests

from airflow.hooks.base_hook import BaseHook


class AcmeHook(BaseHook):
    """Talks to the ACME partner API; host and token come from an Airflow connection."""

    def __init__(self, acme_conn_id='acme_api'):
        super(AcmeHook, self).__init__(source=None)
        self.acme_conn_id = acme_conn_id
        self._session = None

    def get_conn(self):
        if self._session is None:
            conn = self.get_connection(self.acme_conn_id)
            self._session = requests.Session()
            self._session.headers.update({
                'Authorization': 'Bearer ' + conn.password,
                'Content-Type': 'application/json',
            })
            self.base_url = 'https://' + conn.host.rstrip('/')
        return self._session

    def push(self, feed, records):
        session = self.get_conn()
        resp = session.post('{}/v2/feeds/{}'.format(self.base_url, feed), data=json.dumps(records))
        resp.raise_for_status()
        return resp.json()['batch_id']
