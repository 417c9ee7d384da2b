from datetime import datetime
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
dag = DAG("q01", start_date=datetime(2020, 1, 1))
vals = ["{}".format(1.0), "%s" % 1.0, "%d" % 3.7, str(1e20), str(0.1 + 0.2), "%.3s" % "abcdef",
        "{:x}".format(255), "{:08.3f}".format(3.14159), "{:+d}".format(5), "{:,}".format(1234567),
        "%5.1f%%" % 12.345, "{!s:>4}".format(1), "{0}{1}{0}".format("a", "b"),
        "%x" % 255, "%o" % 8, "%e" % 12345.678, "%g" % 0.00001, "{:g}".format(1e-5),
        repr(1.0), str(-0.0), str(7 / 2), str(1 / 3), str(2 ** 0.5),
        "%r" % 1.5, "%i" % 42, "{:.2%}".format(0.256), "{:e}".format(0.0001), "%-6s|" % "ab",
        "{:*^9}".format("mid"), "{:#x}".format(255), "{:b}".format(5), "%05.1f" % 2.25, str(1e16),
        str(123456789.0), str(1.5e-7)]
for i, v in enumerate(vals):
    DummyOperator(task_id="v%02d_" % i + "".join(c if c.isalnum() or c in "._-" else "_" for c in v), dag=dag)
