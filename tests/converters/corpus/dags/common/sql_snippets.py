"""Plain SQL strings shared by several pipelines.

Kept free of any orchestration imports on purpose, so the analysts can import it from
their notebooks too.
"""

# Redshift: number of rows loaded for one business date.
ROW_COUNT_SQL = """
    SELECT COUNT(*)
    FROM {table}
    WHERE load_date = %(ds)s
"""

# Upsert pattern: staging -> target, keyed on the natural key.
UPSERT_SQL = """
BEGIN;
DELETE FROM {target}
USING {staging}
WHERE {target}.{key} = {staging}.{key};
INSERT INTO {target} SELECT * FROM {staging};
COMMIT;
"""

LATE_ROWS_SQL = '''
SELECT COUNT(*) AS late_rows
  FROM analytics.fact_orders
 WHERE order_date < DATE '{{ ds }}' - INTERVAL '3 days'
   AND loaded_at >= DATE '{{ ds }}'
'''

VACUUM_TABLES = ('analytics.fact_orders', 'analytics.fact_payments', 'analytics.dim_customer')


def month_partition(ds):
    """'2020-07-15' -> 'month=2020-07' (Hive-style partition of the monthly tables)."""
    return "month=" + ds[:7]
