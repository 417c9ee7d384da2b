"""Shared building blocks for the data-platform Airflow DAGs (constants, default_args, factories)."""
