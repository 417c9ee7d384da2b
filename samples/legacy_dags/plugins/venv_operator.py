"""Run a task's Python code in its own virtualenv on the worker.

Registered as the ``venv_plugin`` Airflow plugin, so DAGs import it as::

    from airflow.operators.venv_plugin import VirtualenvTaskOperator

Why it exists: our jobs pin conflicting library versions (the pricing model needs an old
scikit-learn, geo enrichment needs a new pyproj), which cannot all be installed into the
workers' one Python. Each task builds the virtualenv it needs, runs its script with it and
removes it again.

Known problems (the reason we are moving to one container per task on MWAA):

* The virtualenv lives at a fixed path per *project*, ``/tmp/airflow_venvs/<project>``. Two
  tasks of the same project running on the same Celery worker at the same time share it: one
  reinstalls packages under the other, or deletes it while the other is still running.
* The scratch file ``/tmp/<project>_<ds>.json`` is shared the same way.
* Building the virtualenv takes minutes on every try, and needs PyPI access from the workers.
* A task killed mid-run (timeout, worker restart) leaves its virtualenv behind.
"""
import json
import logging
import os
import shlex
import shutil
import subprocess

from airflow.models import BaseOperator
from airflow.plugins_manager import AirflowPlugin
from airflow.utils.decorators import apply_defaults

VENV_ROOT = '/tmp/airflow_venvs'
SCRATCH_ROOT = '/tmp'

log = logging.getLogger(__name__)


class VirtualenvTaskOperator(BaseOperator):
    """Build a virtualenv for ``project``, install ``requirements``, run ``command`` with it.

    :param project: name of the job's project; also names the virtualenv folder.
    :param requirements: pip requirement strings, e.g. ``['pandas==1.1.5']``.
    :param command: arguments for the virtualenv's ``python``, e.g.
        ``'/usr/local/airflow/dags/scripts/geo/geocode.py --date {{ ds }}'`` (templated).
    :param python_version: interpreter the virtualenv is built from (``python3.7``).
    """

    template_fields = ('command',)
    ui_color = '#d5f5e3'

    @apply_defaults
    def __init__(self, project, requirements, command, python_version='3.7', *args, **kwargs):
        super(VirtualenvTaskOperator, self).__init__(*args, **kwargs)
        self.project = project
        self.requirements = requirements
        self.command = command
        self.python_version = python_version

    def execute(self, context):
        venv_path = os.path.join(VENV_ROOT, self.project)
        scratch_path = os.path.join(SCRATCH_ROOT, '{}_{}.json'.format(self.project, context['ds']))

        log.info('Building virtualenv %s (python%s)', venv_path, self.python_version)
        subprocess.check_call(['virtualenv', '-p', 'python' + self.python_version, venv_path])
        pip = os.path.join(venv_path, 'bin', 'pip')
        subprocess.check_call([pip, 'install', '--quiet'] + list(self.requirements))

        # The scripts read their run parameters from this file.
        with open(scratch_path, 'w') as scratch:
            json.dump({
                'project': self.project,
                'dag_id': self.dag_id,
                'task_id': self.task_id,
                'ds': context['ds'],
                'run_id': context['run_id'],
            }, scratch)

        python = os.path.join(venv_path, 'bin', 'python')
        env = dict(os.environ, SCRATCH_FILE=scratch_path, PROJECT=self.project)
        log.info('Running %s %s', python, self.command)
        subprocess.check_call([python] + shlex.split(self.command), env=env)

        # TODO(data-eng): also clean up when the command fails.
        os.remove(scratch_path)
        shutil.rmtree(venv_path)


class VenvPlugin(AirflowPlugin):
    name = "venv_plugin"
    operators = [VirtualenvTaskOperator]
    hooks = []
    executors = []
    macros = []
    admin_views = []
    flask_blueprints = []
    menu_links = []
