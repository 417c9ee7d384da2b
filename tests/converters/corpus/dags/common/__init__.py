"""Shared helpers for the ACME data-platform DAG folder.

Nothing in here creates a DAG: the modules hold default_args builders, task and
sub-DAG factories, alert callbacks and SQL snippets used by the team DAGs.
"""
