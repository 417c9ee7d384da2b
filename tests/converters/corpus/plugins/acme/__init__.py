"""ACME in-house Airflow extensions (hooks and operators for the ACME partner API).

Registered with Airflow through ../acme_plugin.py.
"""
