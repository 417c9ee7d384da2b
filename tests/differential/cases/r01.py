from datetime import datetime
from airflow import DAG
from airflow.operators.dummy_operator import DummyOperator
dag = DAG("r01", start_date=datetime(2020, 1, 1))
def T(x):
    DummyOperator(task_id="".join(c if c.isalnum() or c in "._-" else "_" for c in str(x)), dag=dag)
d = {}
d.setdefault("k", []).append(1)
d.setdefault("k", []).append(2)
d.update(z=3, y=4)
T("a" + "_".join(sorted(d)))
T("g" + str(list(map(lambda a, b: a + b, [1, 2], [10, 20]))))
T("t" + str(isinstance(1, (int, str))) + str(callable(T)))
T("l" + str(sorted({3, 1} & {1, 2, 3})))
T("b" + str(d["k"]))
l = [3, 1, 3, 2]
l.remove(3)
T("c" + str(l) + str(l.count(3)))
T("d" + str("ell" in "hello") + str([1, 2] == [1, 2]))
for i, x in enumerate(reversed(["p", "q"])):
    T("e%d%s" % (i, x))
T("f" + str(list(zip([1, 2, 3], "ab"))))
T("h" + str(list(filter(None, [0, 1, "", "x", None]))))
T("i" + str(sorted([("b", 1), ("a", 1), ("c", 0)], key=lambda p: p[1])))
T("j" + max({"aa": 1, "b": 2}, key=len))
T("k" + "abcdefg"[::3] + "abcdefg"[-2::-2])
T("n" + str(tuple(range(3))) + str(list("ab") * 2))
T("o" + str(abs(-3)) + str(pow(2, 5)) + str(divmod(-7, 2)) + str(-7 % 3) + str(int("-12")))
T("p" + "%s-%s" % tuple(["x", "y"]))
T("q" + str(any([])) + str(all([])) + str(min(3, 1, 2)) + str(sum([0.5, 0.25])))
T("r" + " ".join("a,b;c".replace(";", ",").split(",")).title())
T("u" + str(list(enumerate("ab", 1))))
T("v" + str("a-b".split("-") + ["c"]))
T("w" + str(round(-2.5)) + str(round(0.5)) + str(int(-2.7)) + str(7 // -2))
T("x" + str(bool([])) + str(None is None) + str(1 if [] else 2))
T("y" + "{:>6.2f}|{:<5d}|{:^5}".format(3.14159, 42, "c"))
T("z" + str(sorted([3, 1, 2], reverse=True)) + str(list(reversed("ab"))))
s = {1, 2, 3}
T("sets" + str(sorted(s & s)) + str(sorted({1, 2} ^ {2, 3})) + str(sorted(s - {1})))
