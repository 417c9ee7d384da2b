"""Naming helpers so task and DAG ids follow the platform conventions."""


def task_name(*parts):
    """task_name('Load', 'web-events') -> 'load__web_events'"""
    return "__".join(p.lower().replace("-", "_") for p in parts)


def dag_name(team, pipeline, version=1):
    return f"{team}_{pipeline}_v{version}"
