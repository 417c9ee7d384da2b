// Each rule of the Airflow 1.x -> 2 rewrite, before and after, on the smallest file that shows
// it. Every "after" is also converted again, which must change nothing (idempotence).
#include <gtest/gtest.h>

#include <algorithm>

#include "converters/airflow2/file_converter.h"

namespace dagport::converters::airflow2 {
namespace {

struct Converted {
  std::string text;
  std::vector<ir::Diagnostic> diagnostics;
  std::vector<AppliedChange> changes;
  bool Has(std::string_view code) const {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [&](const ir::Diagnostic& d) { return d.code == code; });
  }
};

Converted Convert(const std::string& source, const std::string& target = "2.10.3",
                  const ProjectFacts& project = {}) {
  ConvertOptions options;
  options.target = *AirflowVersion::Parse(target);
  options.today = "2026-11-26";
  FileConversion c = ConvertFile("dag.py", source, options, project);
  EXPECT_TRUE(c.converted) << source;
  // Idempotent: the converted text converts to itself.
  FileConversion again = ConvertFile("dag.py", c.text, options, project);
  EXPECT_EQ(again.text, c.text) << "converting the output again changed it:\n" << c.text;
  return Converted{c.text, c.diagnostics, c.changes};
}

constexpr const char* kDag =
    "from airflow import DAG\n"
    "from datetime import datetime\n"
    "dag = DAG('d', start_date=datetime(2021, 1, 1), schedule_interval='@daily', "
    "catchup=False)\n";

TEST(Airflow2Imports, ModuleMovesKeepTheRestOfTheLine) {
  EXPECT_EQ(Convert("from airflow.operators.bash_operator import BashOperator  # the shell\n").text,
            "from airflow.operators.bash import BashOperator  # the shell\n");
  EXPECT_EQ(Convert("from airflow.contrib.sensors.file_sensor import FileSensor\n").text,
            "from airflow.sensors.filesystem import FileSensor\n");
}

TEST(Airflow2Imports, PackageLevelNamesSplitByModule) {
  EXPECT_EQ(Convert("from airflow.operators import BashOperator, PythonOperator\n").text,
            "from airflow.operators.bash import BashOperator\n"
            "from airflow.operators.python import PythonOperator\n");
  // Indented imports keep their indentation.
  EXPECT_EQ(Convert("try:\n    from airflow.operators import BashOperator, PythonOperator\n"
                    "except ImportError:\n    pass\n")
                .text,
            "try:\n    from airflow.operators.bash import BashOperator\n"
            "    from airflow.operators.python import PythonOperator\n"
            "except ImportError:\n    pass\n");
}

TEST(Airflow2Imports, RenamedClassesAreRenamedWhereUsed) {
  const Converted c = Convert(
      "from airflow.operators.dummy_operator import DummyOperator\n"
      "start = DummyOperator(task_id='start')  # DummyOperator in a comment stays\n"
      "print(start.DummyOperator)\n");
  EXPECT_EQ(c.text,
            "from airflow.operators.empty import EmptyOperator\n"
            "start = EmptyOperator(task_id='start')  # DummyOperator in a comment stays\n"
            "print(start.DummyOperator)\n");
  // An alias keeps the file's name for the class.
  EXPECT_EQ(Convert("from airflow.operators.dummy_operator import DummyOperator as Noop\n"
                    "start = Noop(task_id='start')\n")
                .text,
            "from airflow.operators.empty import EmptyOperator as Noop\n"
            "start = Noop(task_id='start')\n");
}

TEST(Airflow2Imports, NamesDependOnTheTargetVersion) {
  const std::string kpo =
      "from airflow.contrib.operators.kubernetes_pod_operator import KubernetesPodOperator\n";
  EXPECT_EQ(Convert(kpo, "2.10.3").text,
            "from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator\n");
  EXPECT_EQ(Convert(kpo, "2.5.1").text,
            "from airflow.providers.cncf.kubernetes.operators.kubernetes_pod import "
            "KubernetesPodOperator\n");
  const std::string ecs =
      "from airflow.contrib.operators.ecs_operator import ECSOperator\n"
      "t = ECSOperator(task_id='t', task_definition='d', cluster='c', overrides={})\n";
  EXPECT_EQ(Convert(ecs, "2.4.3").text,
            "from airflow.providers.amazon.aws.operators.ecs import EcsRunTaskOperator\n"
            "t = EcsRunTaskOperator(task_id='t', task_definition='d', cluster='c', "
            "overrides={})\n");
}

TEST(Airflow2Imports, ModuleImportsAndTheirUses) {
  EXPECT_EQ(Convert("import airflow.operators.bash_operator as bo\n"
                    "t = bo.BashOperator(task_id='t', bash_command='true')\n")
                .text,
            "import airflow.operators.bash as bo\n"
            "t = bo.BashOperator(task_id='t', bash_command='true')\n");
  EXPECT_EQ(Convert("from airflow.contrib.operators import ecs_operator\n"
                    "t = ecs_operator.ECSOperator(task_id='t', task_definition='d', "
                    "cluster='c', overrides={})\n")
                .text,
            "from airflow.providers.amazon.aws.operators import ecs as ecs_operator\n"
            "t = ecs_operator.EcsRunTaskOperator(task_id='t', task_definition='d', "
            "cluster='c', overrides={})\n");
}

TEST(Airflow2Imports, PluginClassesComeFromThePluginsModule) {
  ProjectFacts project;
  project.plugins.push_back(ir::Plugin{"acme",
                                       "acme_plugin.AcmePlugin",
                                       "plugins/acme_plugin.py",
                                       {"acme.operators.AcmeOperator"},
                                       {},
                                       {}});
  EXPECT_EQ(Convert("from airflow.operators.acme import AcmeOperator\n", "2.10.3", project).text,
            "from acme.operators import AcmeOperator\n");
  EXPECT_EQ(Convert("from airflow.operators import AcmeOperator\n", "2.10.3", project).text,
            "from acme.operators import AcmeOperator\n");
  const Converted unknown = Convert("from airflow.operators.other import OtherOperator\n");
  EXPECT_TRUE(unknown.Has("DP203"));
}

TEST(Airflow2Imports, RemovedClassesAreReportedAndLeft) {
  const Converted c = Convert("from airflow.operators.dagrun_operator import DagRunOrder\n");
  EXPECT_EQ(c.text, "from airflow.operators.dagrun_operator import DagRunOrder\n");
  EXPECT_TRUE(c.Has("DP202"));
}

TEST(Airflow2Imports, AlreadyAirflow2IsLeftAlone) {
  const std::string source =
      "from airflow import DAG\n"
      "from airflow.operators.bash import BashOperator\n"
      "from airflow.providers.amazon.aws.operators.ecs import EcsRunTaskOperator\n";
  const Converted c = Convert(source);
  EXPECT_EQ(c.text, source);
  EXPECT_TRUE(c.diagnostics.empty());
}

TEST(Airflow2ProvideContext, RemovedFromOperatorsAndDefaultArgs) {
  EXPECT_EQ(Convert("from airflow.operators.python_operator import PythonOperator\n"
                    "t = PythonOperator(task_id='t', python_callable=f, provide_context=True)\n"
                    "u = PythonOperator(\n    task_id='u',\n    provide_context=False,\n"
                    "    python_callable=f,\n)\n"
                    "default_args = {'owner': 'x', 'provide_context': True}\n")
                .text,
            "from airflow.operators.python import PythonOperator\n"
            "t = PythonOperator(task_id='t', python_callable=f)\n"
            "u = PythonOperator(\n    task_id='u',\n    python_callable=f,\n)\n"
            "default_args = {'owner': 'x'}\n");
}

TEST(Airflow2RenamedArguments, RenamedOnOperatorsAndDags) {
  EXPECT_EQ(Convert("from airflow.operators.bash_operator import BashOperator\n"
                    "t = BashOperator(task_id='t', bash_command='x', xcom_push=True, "
                    "task_concurrency=1)\n")
                .text,
            "from airflow.operators.bash import BashOperator\n"
            "t = BashOperator(task_id='t', bash_command='x', do_xcom_push=True, "
            "max_active_tis_per_dag=1)\n");
  EXPECT_EQ(Convert("from airflow import DAG\n"
                    "dag = DAG('d', schedule='@daily', catchup=False, concurrency=4)\n")
                .text,
            "from airflow import DAG\n"
            "dag = DAG('d', schedule='@daily', catchup=False, max_active_tasks=4)\n");
}

TEST(Airflow2RenamedArguments, EcsRegionFollowsTheProviderVersion) {
  const std::string source =
      "from airflow.contrib.operators.ecs_operator import ECSOperator\n"
      "t = ECSOperator(task_id='t', task_definition='d', cluster='c', overrides={}, "
      "region_name='eu-west-1')\n";
  EXPECT_NE(Convert(source, "2.7.2").text.find("region='eu-west-1'"), std::string::npos);
  EXPECT_NE(Convert(source, "2.8.1").text.find("region_name='eu-west-1'"), std::string::npos);
}

TEST(Airflow2TriggerRules, RenamedAsStringsAndMembers) {
  EXPECT_EQ(Convert("from airflow.operators.bash_operator import BashOperator\n"
                    "from airflow.utils.trigger_rule import TriggerRule\n"
                    "a = BashOperator(task_id='a', bash_command='x', trigger_rule='dummy')\n"
                    "b = BashOperator(task_id='b', bash_command='x', "
                    "trigger_rule=\"none_failed_or_skipped\")\n"
                    "c = BashOperator(task_id='c', bash_command='x', "
                    "trigger_rule=TriggerRule.DUMMY)\n"
                    "args = {'trigger_rule': 'dummy'}\n")
                .text,
            "from airflow.operators.bash import BashOperator\n"
            "from airflow.utils.trigger_rule import TriggerRule\n"
            "a = BashOperator(task_id='a', bash_command='x', trigger_rule='always')\n"
            "b = BashOperator(task_id='b', bash_command='x', "
            "trigger_rule=\"none_failed_min_one_success\")\n"
            "c = BashOperator(task_id='c', bash_command='x', "
            "trigger_rule=TriggerRule.ALWAYS)\n"
            "args = {'trigger_rule': 'always'}\n");
}

TEST(Airflow2Schedule, ScheduleIntervalBecomesSchedule) {
  EXPECT_EQ(Convert(kDag).text,
            "from airflow import DAG\n"
            "from datetime import datetime\n"
            "dag = DAG('d', start_date=datetime(2021, 1, 1), schedule='@daily', "
            "catchup=False)\n");
}

TEST(Airflow2Schedule, UnsetScheduleAndCatchupAreWritten) {
  EXPECT_EQ(Convert("from airflow import DAG\nfrom datetime import timedelta\n"
                    "dag = DAG('d')\n")
                .text,
            "from airflow import DAG\nfrom datetime import timedelta\n"
            "dag = DAG('d', schedule=timedelta(days=1), catchup=False)\n");
  // Without timedelta imported, the import is added.
  EXPECT_EQ(Convert("from airflow import DAG\n\nwith DAG(\n    'd',\n    catchup=True,\n) as dag:\n"
                    "    pass\n")
                .text,
            "from airflow import DAG\nfrom datetime import timedelta\n\nwith DAG(\n    'd',\n"
            "    catchup=True,\n    schedule=timedelta(days=1),\n) as dag:\n    pass\n");
  // Two arguments added after a last argument with a comment: one comma, the comment in place.
  EXPECT_EQ(Convert("from airflow import DAG\nfrom datetime import timedelta\n"
                    "dag = DAG('d',\n          max_active_runs=1  # one at a time\n          )\n")
                .text,
            "from airflow import DAG\nfrom datetime import timedelta\n"
            "dag = DAG('d',\n          max_active_runs=1,  # one at a time\n"
            "          schedule=timedelta(days=1),\n          catchup=False,\n          )\n");
  // **kwargs may hold them: left alone.
  EXPECT_EQ(Convert("from airflow import DAG\ndag = DAG('d', **settings)\n").text,
            "from airflow import DAG\ndag = DAG('d', **settings)\n");
}

TEST(Airflow2DaysAgo, BecomesAFixedDateAndItsImportIsReplaced) {
  const Converted c = Convert(
      "from airflow import DAG\n"
      "from airflow.utils.dates import days_ago\n"
      "dag = DAG('d', start_date=days_ago(2), schedule=None, catchup=False)\n"
      "late = days_ago(1, hour=6)\n");
  EXPECT_EQ(c.text,
            "from airflow import DAG\n"
            "import pendulum\n"
            "dag = DAG('d', start_date=pendulum.datetime(2026, 11, 24, tz=\"UTC\"), "
            "schedule=None, catchup=False)\n"
            "late = pendulum.datetime(2026, 11, 25, hour=6, tz=\"UTC\")\n");
  EXPECT_TRUE(c.Has("DP207"));
  // Not a literal: left, and reported.
  const Converted computed = Convert("from airflow.utils.dates import days_ago\nx = days_ago(N)\n");
  EXPECT_EQ(computed.text, "from airflow.utils.dates import days_ago\nx = days_ago(N)\n");
  EXPECT_TRUE(computed.Has("DP205"));
}

TEST(Airflow2UnknownArguments, ReportedWithTheClosestParameter) {
  const Converted c = Convert(
      "from airflow.operators.bash_operator import BashOperator\n"
      "t = BashOperator(task_id='t', bash_command='x', bash_comand='y', xcom_push=True)\n");
  ASSERT_TRUE(c.Has("DP201"));
  const auto it = std::find_if(c.diagnostics.begin(), c.diagnostics.end(),
                               [](const ir::Diagnostic& d) { return d.code == "DP201"; });
  EXPECT_NE(it->message.find("bash_comand"), std::string::npos);
  EXPECT_NE(it->hint.find("bash_command"), std::string::npos);
  EXPECT_EQ(std::count_if(c.diagnostics.begin(), c.diagnostics.end(),
                          [](const ir::Diagnostic& d) { return d.code == "DP201"; }),
            1);  // xcom_push was renamed, so it is not reported
}

TEST(Airflow2ManualChanges, ReportedWithTheirPlace) {
  const Converted c = Convert(
      "from airflow import DAG\n"
      "from airflow.operators.bash_operator import BashOperator\n"
      "from airflow.operators.subdag_operator import SubDagOperator\n"
      "dag = DAG('d', schedule=None, catchup=False)\n"
      "t = BashOperator(task_id='t', bash_command='echo {{ execution_date }}')\n"
      "s = SubDagOperator(task_id='s', subdag=make(), dag=dag)\n");
  EXPECT_TRUE(c.Has("DP204"));
  EXPECT_TRUE(c.Has("DP214"));  // deprecated, still renders
  for (const ir::Diagnostic& d : c.diagnostics) EXPECT_GT(d.where.line, 0u) << d.message;
}

constexpr const char* kSubdagHead =
    "from airflow import DAG\n"
    "from airflow.operators.bash_operator import BashOperator\n"
    "from airflow.operators.subdag_operator import SubDagOperator\n";

TEST(Airflow2SubdagTaskGroup, SameFileFactoryBecomesATaskGroup) {
  const Converted c =
      Convert(std::string(kSubdagHead) +
              "def loads(parent, child, args):\n"
              "    sub = DAG('%s.%s' % (parent, child), default_args=args,\n"
              "              schedule_interval='@daily')\n"
              "    a = BashOperator(task_id='a', bash_command='x', dag=sub)\n"
              "    b = BashOperator(task_id='b', bash_command='x', dag=sub)\n"
              "    a >> b\n"
              "    return sub\n"
              "dag = DAG('p', schedule=None, catchup=False)\n"
              "start = BashOperator(task_id='start', bash_command='x', dag=dag)\n"
              "s = SubDagOperator(task_id='s', subdag=loads('p', 's', {}), dag=dag)\n"
              "start >> s\n");
  EXPECT_EQ(c.text,
            "from airflow import DAG\n"
            "from airflow.operators.bash import BashOperator\n"
            "from airflow.utils.task_group import TaskGroup\n"
            "def loads(parent, child, args, group_id=None, parent_dag=None):\n"
            "    sub = TaskGroup(group_id=group_id, dag=parent_dag, default_args=args)\n"
            "    a = BashOperator(task_id='a', bash_command='x', dag=parent_dag, task_group=sub)\n"
            "    b = BashOperator(task_id='b', bash_command='x', dag=parent_dag, task_group=sub)\n"
            "    a >> b\n"
            "    return sub\n"
            "dag = DAG('p', schedule=None, catchup=False)\n"
            "start = BashOperator(task_id='start', bash_command='x', dag=dag)\n"
            "s = loads('p', 's', {}, group_id='s', parent_dag=dag)\n"
            "start >> s\n");
  EXPECT_TRUE(c.Has("DP215"));
  EXPECT_FALSE(c.Has("DP204"));
  EXPECT_FALSE(c.Has("DP208"));  // the SubDagOperator import is gone, not deprecated
}

TEST(Airflow2SubdagTaskGroup, LayoutLoopsAndTheDagContext) {
  // Under `with DAG(...)`, in a loop, over several lines, with the SubDagOperator's own
  // default_args and executor dropped (they set the operator task, which is gone).
  const Converted c = Convert(std::string(kSubdagHead) +
                              "from airflow.executors.sequential_executor import "
                              "SequentialExecutor\n"
                              "def part(parent, child, args):\n"
                              "    \"\"\"One part.\"\"\"\n"
                              "    d = DAG(dag_id=parent + '.' + child, default_args=args)\n"
                              "    BashOperator(task_id='load', bash_command='x', dag=d)\n"
                              "    return d\n"
                              "with DAG('p', schedule=None, catchup=False) as dag:\n"
                              "    for name in ['x', 'y']:\n"
                              "        SubDagOperator(\n"
                              "            task_id=name,\n"
                              "            subdag=part('p', name, {}),\n"
                              "            default_args={},\n"
                              "            executor=SequentialExecutor,\n"
                              "        )\n");
  EXPECT_NE(c.text.find("def part(parent, child, args, group_id=None, parent_dag=None):\n"),
            std::string::npos)
      << c.text;
  EXPECT_NE(c.text.find("        part(\n"
                        "            'p', name, {},\n"
                        "            group_id=name,\n"
                        "        )\n"),
            std::string::npos)
      << c.text;
  EXPECT_EQ(c.text.find("SubDagOperator"), std::string::npos) << c.text;
}

TEST(Airflow2SubdagTaskGroup, WithTheSubDagBecomesWithItsDagAndTheGroup) {
  const Converted c = Convert(std::string(kSubdagHead) +
                              "def loads(parent, child):\n"
                              "    sub = DAG(parent + '.' + child)\n"
                              "    with sub:\n"
                              "        BashOperator(task_id='a', bash_command='x')\n"
                              "    return sub\n"
                              "dag = DAG('p', schedule=None, catchup=False)\n"
                              "s = SubDagOperator(task_id='s', subdag=loads('p', 's'), dag=dag)\n");
  EXPECT_NE(c.text.find("    sub = TaskGroup(group_id=group_id, dag=parent_dag)\n"
                        "    with sub.dag, sub:\n"
                        "        BashOperator(task_id='a', bash_command='x')\n"),
            std::string::npos)
      << c.text;
  EXPECT_TRUE(c.Has("DP215"));
}

TEST(Airflow2SubdagTaskGroup, AFactoryNamedSubdagWithAnnotationsAndALongSignature) {
  // The factory is called `subdag`, like the keyword; its annotations name DAG; the signature
  // gets too long for one line.
  const Converted c = Convert(
      std::string(kSubdagHead) +
      "def subdag(parent_dag_name: str, child_dag_name: str, args: dict = None) -> DAG:\n"
      "    dag_subdag = DAG(dag_id='%s.%s' % (parent_dag_name, child_dag_name), "
      "default_args=args)\n"
      "    BashOperator(task_id='a', bash_command='x', dag=dag_subdag)\n"
      "    return dag_subdag\n"
      "dag = DAG('p', schedule=None, catchup=False)\n"
      "s = SubDagOperator(task_id='s', subdag=subdag(parent_dag_name='p', child_dag_name='s'), "
      "dag=dag)\n");
  EXPECT_NE(c.text.find("def subdag(parent_dag_name: str, child_dag_name: str, args: dict = None,\n"
                        "           group_id=None, parent_dag=None) -> TaskGroup:\n"),
            std::string::npos)
      << c.text;
  EXPECT_NE(c.text.find("s = subdag(parent_dag_name='p', child_dag_name='s', group_id='s', "
                        "parent_dag=dag)\n"),
            std::string::npos)
      << c.text;
  EXPECT_TRUE(c.Has("DP215"));
}

TEST(Airflow2SubdagTaskGroup, KeptWithTheReasonWhenTheRewriteIsNotSafe) {
  const std::string factory =
      "def loads(parent, child):\n"
      "    sub = DAG(parent + '.' + child)\n"
      "    BashOperator(task_id='a', bash_command='x', dag=sub)\n"
      "    return sub\n"
      "dag = DAG('p', schedule=None, catchup=False)\n";
  struct Case {
    std::string body, reason;
  };
  const std::vector<Case> cases = {
      {"from helpers import make\n"
       "s = SubDagOperator(task_id='s', subdag=make('p', 's'), dag=dag)\n",
       "its factory `make` is not defined in this file"},
      {factory + "s = SubDagOperator(task_id='s', subdag=loads('p', 's'), retries=3, dag=dag)\n",
       "its argument `retries=` has no TaskGroup equivalent"},
      {factory + "s = SubDagOperator(task_id='s', subdag=loads('p', 's'), dag=dag)\n"
                 "other = loads('q', 'r')\n",
       "`loads` is also used elsewhere (line 10)"},
      {"def loads(parent, child):\n"
       "    sub = DAG(parent + '.' + child)\n"
       "    sub.doc_md = 'x'\n"
       "    return sub\n"
       "dag = DAG('p', schedule=None, catchup=False)\n"
       "s = SubDagOperator(task_id='s', subdag=loads('p', 's'), dag=dag)\n",
       "its sub-DAG `sub` is used otherwise (line 6)"},
      {"def loads(parent, child):\n"
       "    with DAG(parent + '.' + child) as sub:\n"
       "        BashOperator(task_id='a', bash_command='x')\n"
       "    return sub\n"
       "dag = DAG('p', schedule=None, catchup=False)\n"
       "s = SubDagOperator(task_id='s', subdag=loads('p', 's'), dag=dag)\n",
       "does not build its DAG as `name = DAG(...)`"},
  };
  for (const Case& k : cases) {
    const Converted c = Convert(std::string(kSubdagHead) + k.body);
    EXPECT_NE(c.text.find("SubDagOperator("), std::string::npos) << c.text;
    EXPECT_EQ(c.text.find("TaskGroup"), std::string::npos) << c.text;
    const auto it = std::find_if(c.diagnostics.begin(), c.diagnostics.end(),
                                 [](const ir::Diagnostic& d) { return d.code == "DP204"; });
    ASSERT_NE(it, c.diagnostics.end()) << k.body;
    EXPECT_NE(it->message.find(k.reason), std::string::npos) << it->message;
  }
  // --keep-subdags: no rewrite.
  ConvertOptions options;
  options.target = *AirflowVersion::Parse("2.10.3");
  options.subdags_to_task_groups = false;
  const FileConversion kept =
      ConvertFile("dag.py",
                  std::string(kSubdagHead) + factory +
                      "s = SubDagOperator(task_id='s', subdag=loads('p', 's'), dag=dag)\n",
                  options, {});
  EXPECT_NE(kept.text.find("SubDagOperator(task_id='s'"), std::string::npos) << kept.text;
  EXPECT_TRUE(kept.subdag_groups.empty());
}

TEST(Airflow2DagBitShift, AssignmentsBecomeDagAttributes) {
  const std::string head =
      "from airflow import DAG\n"
      "from airflow.operators.bash_operator import BashOperator\n"
      "dag = DAG('d', schedule=None, catchup=False)\n"
      "a = BashOperator(task_id='a', bash_command='x')\n"
      "b = BashOperator(task_id='b', bash_command='x')\n";
  const std::string head2 =
      "from airflow import DAG\n"
      "from airflow.operators.bash import BashOperator\n"
      "dag = DAG('d', schedule=None, catchup=False)\n"
      "a = BashOperator(task_id='a', bash_command='x')\n"
      "b = BashOperator(task_id='b', bash_command='x')\n";
  EXPECT_EQ(Convert(head + "dag >> a\nb << dag\n").text, head2 + "a.dag = dag\nb.dag = dag\n");
  EXPECT_EQ(Convert(head + "if True:\n    dag >> [a, b]\n").text,
            head2 + "if True:\n    a.dag = dag\n    b.dag = dag\n");
  EXPECT_EQ(Convert(head + "dag >> a >> b\n").text, head2 + "a.dag = dag\na >> b\n");
  // Not a statement of its own: reported, left.
  const Converted c = Convert(head + "x = dag >> a\n");
  EXPECT_EQ(c.text, head2 + "x = dag >> a\n");
  EXPECT_TRUE(c.Has("DP212"));
}

TEST(Airflow2ContainerArguments, DockerVolumesAndPodResources) {
  EXPECT_EQ(Convert("from airflow.operators.docker_operator import DockerOperator\n"
                    "t = DockerOperator(task_id='t', image='i', "
                    "volumes=['/data/in:/in:ro', 'cache:/cache'])\n")
                .text,
            "from airflow.providers.docker.operators.docker import DockerOperator\n"
            "from docker.types import Mount\n"
            "t = DockerOperator(task_id='t', image='i', mounts=[Mount(source='/data/in', "
            "target='/in', type='bind', read_only=True), Mount(source='cache', target='/cache', "
            "type='volume')])\n");
  EXPECT_EQ(Convert("from airflow.contrib.operators.kubernetes_pod_operator import "
                    "KubernetesPodOperator\n"
                    "t = KubernetesPodOperator(task_id='t', name='n', namespace='ns', image='i', "
                    "resources={'request_cpu': '1', 'limit_memory': '2Gi'}, "
                    "node_selectors={'pool': 'ml'}, is_delete_operator_pod=False)\n")
                .text,
            "from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator\n"
            "from kubernetes.client import models as k8s\n"
            "t = KubernetesPodOperator(task_id='t', name='n', namespace='ns', image='i', "
            "container_resources=k8s.V1ResourceRequirements(requests={'cpu': '1'}, "
            "limits={'memory': '2Gi'}), node_selector={'pool': 'ml'}, "
            "on_finish_action='keep_pod')\n");
  // A computed value is reported instead.
  const Converted c = Convert(
      "from airflow.operators.docker_operator import DockerOperator\n"
      "t = DockerOperator(task_id='t', image='i', volumes=VOLUMES)\n");
  EXPECT_NE(c.text.find("volumes=VOLUMES"), std::string::npos);
  EXPECT_TRUE(c.Has("DP205"));
}

TEST(Airflow2ContainerArguments, KubernetesHelperClassesTakeKeywords) {
  const Converted c = Convert(
      "from airflow.contrib.kubernetes.volume_mount import VolumeMount\n"
      "from airflow.contrib.kubernetes.volume import Volume\n"
      "from airflow.contrib.kubernetes.pod import Resources, Port\n"
      "m = VolumeMount('data', '/data', None, False)\n"
      "v = Volume(name='data', configs={'persistentVolumeClaim': {'claimName': 'pvc'}})\n"
      "r = Resources(request_cpu='1', limit_memory='2Gi')\n"
      "p = Port('http', 8080)\n");
  EXPECT_EQ(c.text,
            "from kubernetes.client.models import V1VolumeMount\n"
            "from kubernetes.client.models import V1Volume\n"
            "from kubernetes.client.models import V1ResourceRequirements, V1ContainerPort\n"
            "m = V1VolumeMount(name='data', mount_path='/data', sub_path=None, read_only=False)\n"
            "v = V1Volume(name='data', configs={'persistentVolumeClaim': {'claimName': 'pvc'}})\n"
            "r = V1ResourceRequirements(requests={'cpu': '1'}, limits={'memory': '2Gi'})\n"
            "p = V1ContainerPort(name='http', container_port=8080)\n");
  EXPECT_TRUE(c.Has("DP205"));  // Volume's configs
}

TEST(Airflow2ManualChanges, ContextNamesFilledByOpArgs) {
  const Converted c = Convert(
      "from airflow.operators.python_operator import PythonOperator\n"
      "def load(ds, table, **kwargs):\n    pass\n"
      "def fine(day, **kwargs):\n    pass\n"
      "a = PythonOperator(task_id='a', python_callable=load, op_args=['x', 'y'])\n"
      "b = PythonOperator(task_id='b', python_callable=fine, op_args=['x'])\n");
  EXPECT_EQ(std::count_if(c.diagnostics.begin(), c.diagnostics.end(),
                          [](const ir::Diagnostic& d) { return d.code == "DP205"; }),
            1);
}

TEST(Airflow2SensorArguments, ContextParameterAndGlobEscaping) {
  EXPECT_EQ(Convert("from airflow.sensors.external_task_sensor import ExternalTaskSensor\n"
                    "def previous_hour(dt, ctx):\n    return dt - ctx['offset']\n"
                    "s = ExternalTaskSensor(task_id='s', external_dag_id='d', "
                    "execution_date_fn=previous_hour)\n")
                .text,
            "from airflow.sensors.external_task import ExternalTaskSensor\n"
            "def previous_hour(dt, context):\n    return dt - context['offset']\n"
            "s = ExternalTaskSensor(task_id='s', external_dag_id='d', "
            "execution_date_fn=previous_hour)\n");
  EXPECT_EQ(Convert("from airflow.contrib.sensors.file_sensor import FileSensor\n"
                    "s = FileSensor(task_id='s', filepath='in/part[1]*.csv')\n"
                    "t = FileSensor(task_id='t', filepath=\"in/{{ params['name'] }}.csv\")\n")
                .text,
            "from airflow.sensors.filesystem import FileSensor\n"
            "s = FileSensor(task_id='s', filepath='in/part[[]1][*].csv')\n"
            "t = FileSensor(task_id='t', filepath=\"in/{{ params['name'] }}.csv\")\n");
}

TEST(Airflow2Imports, MovedFunctions) {
  EXPECT_EQ(Convert("from airflow.utils.helpers import chain, cross_downstream\n").text,
            "from airflow.models.baseoperator import chain, cross_downstream\n");
  EXPECT_EQ(Convert("from airflow import conf\n").text, "from airflow.configuration import conf\n");
}

TEST(Airflow2Files, WithoutAirflowOrWithSyntaxErrorsAreNotTouched) {
  ConvertOptions options;
  const FileConversion plain = ConvertFile("x.py", "import os\nprint(os.sep)\n", options, {});
  EXPECT_FALSE(plain.changed);
  EXPECT_FALSE(plain.uses_airflow);
  const FileConversion broken =
      ConvertFile("x.py", "from airflow import DAG\nprint 'hello'\n", options, {});
  EXPECT_FALSE(broken.converted);
  EXPECT_EQ(broken.text, "from airflow import DAG\nprint 'hello'\n");
}

}  // namespace
}  // namespace dagport::converters::airflow2
