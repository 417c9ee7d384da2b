// The footprint of tasks: what a custom operator's execute() and Bash commands do on the
// worker's disk, computed with the task's own arguments.

#include "parser/footprint.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parser/file_analyzer.h"
#include "parser/module_loader.h"
#include "parser/syntax_tree.h"

namespace dagport::parser {
namespace {

using Strings = std::vector<std::string>;

constexpr std::string_view kVenvOperator = R"PY(import os
import shlex
import shutil
import subprocess
from datetime import datetime

from airflow import DAG
from airflow.models import BaseOperator
from airflow.utils.decorators import apply_defaults

VENV_ROOT = '/tmp/venvs'


class VenvOperator(BaseOperator):
    template_fields = ('command',)

    @apply_defaults
    def __init__(self, project, requirements, command, *args, **kwargs):
        super(VenvOperator, self).__init__(*args, **kwargs)
        self.project = project
        self.requirements = requirements
        self.command = command
        self.venv = os.path.join(VENV_ROOT, self.project)

    def execute(self, context):
        subprocess.check_call(['virtualenv', '-p', 'python3', self.venv])
        pip = os.path.join(self.venv, 'bin', 'pip')
        subprocess.check_call([pip, 'install'] + list(self.requirements))
        scratch = '/tmp/{}_{}.json'.format(self.project, context['ds'])
        with open(scratch, 'w') as f:
            f.write('{}')
        subprocess.check_call([os.path.join(self.venv, 'bin', 'python')] + shlex.split(self.command))
        os.remove(scratch)
        shutil.rmtree(self.venv)

)PY";

/// "mode resource path", plus " possible" / " unique".
Strings Accesses(const ir::Task& task) {
  Strings out;
  for (const ir::HostAccess& a : task.footprint) {
    out.push_back(a.mode + " " + a.resource + " " + a.path + (a.possible ? " possible" : "") +
                  (a.unique ? " unique" : ""));
  }
  return out;
}

ir::DagFile Analyze(std::string_view body) {
  ModuleLoader loader({}, {});
  return AnalyzeSource("venv_dag.py", std::string(kVenvOperator) + std::string(body), loader, {})
      .file;
}

const ir::Task& OnlyTask(const ir::DagFile& f, size_t i = 0) {
  EXPECT_EQ(f.dags.size(), 1u);
  return f.dags.at(0).tasks.at(i);
}

TEST(Footprint, ExecuteIsEvaluatedWithTheTasksArguments) {
  const ir::DagFile f = Analyze(R"PY(
dag = DAG('d', start_date=datetime(2021, 1, 1))
t = VenvOperator(task_id='score', project='pricing', requirements=['pandas==1.1.5'],
                 command='score.py --date {{ ds }} --model /tmp/model.pkl', dag=dag)
)PY");
  const ir::Task& t = OnlyTask(f);
  EXPECT_EQ(Accesses(t),
            (Strings{"create virtualenv /tmp/venvs/pricing", "write packages /tmp/venvs/pricing",
                     "write file /tmp/pricing_{{ ds }}.json", "read virtualenv /tmp/venvs/pricing",
                     "read file /tmp/model.pkl", "delete file /tmp/pricing_{{ ds }}.json",
                     "delete directory /tmp/venvs/pricing"}));
  EXPECT_TRUE(t.InstallsOnWorker());
  EXPECT_EQ(t.footprint[0].file, "venv_dag.py");
  EXPECT_EQ(t.footprint[0].where.line, 26u);  // the check_call in execute()
}

TEST(Footprint, OperatorCodeLeavesTheGraphAndDiagnosticsAlone) {
  const ir::DagFile with = Analyze(R"PY(
dag = DAG('d', start_date=datetime(2021, 1, 1))
a = VenvOperator(task_id='a', project='p', requirements=[], command='x.py', dag=dag)
b = VenvOperator(task_id='b', project='p', requirements=[], command='y.py', dag=dag)
a >> b
)PY");
  ASSERT_EQ(with.dags.size(), 1u);
  EXPECT_EQ(with.dags[0].tasks.size(), 2u);
  EXPECT_EQ(with.dags[0].edges.size(), 1u);
  for (const ir::Diagnostic& d : with.diagnostics)
    ADD_FAILURE() << "unexpected diagnostic " << d.code << ": " << d.message;
}

/// The full analysis of a DAG of three VenvOperator tasks (and an orphan one), and the one at
/// `depth`; checks what every depth keeps: the DAG, its edges, the tasks' ids, classes and
/// places, the imports and the diagnostics (DP116 for the orphan).
std::pair<ir::DagFile, ir::DagFile> FullAndAtDepth(AnalysisDepth depth) {
  const std::string text = std::string(kVenvOperator) + R"PY(
dag = DAG('d', start_date=datetime(2021, 1, 1), schedule_interval='0 7 * * *')
a = VenvOperator(task_id='a', project='p', requirements=[], command='x.py', dag=dag)
b = VenvOperator(task_id='b', project='p', requirements=[], command='y.py', dag=dag)
c = VenvOperator(task_id='c', project='p', requirements=[], command='z.py', dag=dag)
a >> b >> c
orphan = VenvOperator(task_id='o', project='p', requirements=[], command='o.py')
)PY";
  ModuleLoader loader({}, {});
  const SyntaxTree tree = SyntaxTree::Parse(text);
  ir::DagFile full = AnalyzeTree("venv_dag.py", tree, loader, {}).file;
  ir::DagFile at = AnalyzeTree("venv_dag.py", tree, loader, {}, depth).file;
  EXPECT_EQ(full.dags.size(), 1u);
  EXPECT_EQ(at.dags.size(), 1u);
  if (full.dags.size() != 1 || at.dags.size() != 1) return {full, at};
  EXPECT_EQ(at.dags[0].dag_id, "d");
  EXPECT_EQ(at.dags[0].arguments, full.dags[0].arguments);  // the schedule is checked
  EXPECT_EQ(at.dags[0].edges, full.dags[0].edges);
  EXPECT_EQ(at.dags[0].tasks.size(), 3u);
  for (size_t i = 0; i < 3 && i < at.dags[0].tasks.size(); ++i) {
    const ir::Task& t = at.dags[0].tasks[i];
    const ir::Task& f = full.dags[0].tasks[i];
    EXPECT_EQ(t.task_id, f.task_id);
    EXPECT_EQ(t.operator_class, f.operator_class);
    EXPECT_EQ(t.where, f.where);
    EXPECT_FALSE(f.arguments.empty());
    EXPECT_FALSE(f.footprint.empty());
    EXPECT_TRUE(t.arguments.empty());
    EXPECT_TRUE(t.effective_arguments.empty());
  }
  EXPECT_EQ(at.imports, full.imports);
  EXPECT_EQ(at.diagnostics, full.diagnostics);
  EXPECT_FALSE(full.diagnostics.empty());
  EXPECT_FALSE(full.operator_classes.empty());
  return {full, at};
}

// The converter's graph checks analyse with AnalysisDepth::kGraph: the same DAGs, tasks, edges
// and diagnostics, without the tasks' arguments, footprints or the operator classes.
TEST(Footprint, AGraphAnalysisLeavesOutArgumentsFootprintsAndClassesOnly) {
  const auto [full, graph] = FullAndAtDepth(AnalysisDepth::kGraph);
  ASSERT_EQ(graph.dags.size(), 1u);
  for (const ir::Task& t : graph.dags[0].tasks) EXPECT_TRUE(t.footprint.empty());
  EXPECT_TRUE(graph.operator_classes.empty());
}

// The converter finds an original's container tasks from an analysis without the tasks'
// arguments (AnalysisDepth::kTasksWithoutArguments): footprints and classes as the full one has.
TEST(Footprint, AnAnalysisWithoutArgumentsKeepsFootprintsAndClasses) {
  const auto [full, lean] = FullAndAtDepth(AnalysisDepth::kTasksWithoutArguments);
  ASSERT_EQ(lean.dags.size(), 1u);
  ASSERT_EQ(lean.dags[0].tasks.size(), full.dags[0].tasks.size());
  for (size_t i = 0; i < lean.dags[0].tasks.size(); ++i) {
    EXPECT_EQ(lean.dags[0].tasks[i].footprint, full.dags[0].tasks[i].footprint);
    EXPECT_TRUE(lean.dags[0].tasks[i].InstallsOnWorker());
  }
  EXPECT_EQ(lean.operator_classes.size(), full.operator_classes.size());
  EXPECT_FALSE(lean.operator_classes.empty());
}

TEST(Footprint, UnknownPartsAreKeptAsExpressionsAndMarkedPossible) {
  const ir::DagFile f = Analyze(R"PY(
from airflow.models import Variable
dag = DAG('d', start_date=datetime(2021, 1, 1))
t = VenvOperator(task_id='t', project=Variable.get('project'), requirements=[], command='x.py',
                 dag=dag)
)PY");
  const Strings got = Accesses(OnlyTask(f));
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0], "create virtualenv /tmp/venvs/<Variable.get('project')> possible") << got[0];
}

TEST(Footprint, TemporaryDirectoriesAreUnique) {
  ModuleLoader loader({}, {});
  const ir::DagFile f = AnalyzeSource("t.py", R"PY(import subprocess
import tempfile
from datetime import datetime
from airflow import DAG
from airflow.models import BaseOperator

class Op(BaseOperator):
    def execute(self, context):
        tmp = tempfile.mkdtemp()
        subprocess.check_call(['python3', '-m', 'venv', tmp + '/env'])

dag = DAG('d', start_date=datetime(2021, 1, 1))
Op(task_id='t', dag=dag)
)PY",
                                      loader, {})
                            .file;
  EXPECT_EQ(Accesses(OnlyTask(f)),
            (Strings{"create virtualenv <tempfile.mkdtemp()>/env possible unique"}));
}

TEST(Footprint, BashCommands) {
  auto of = [](std::string_view command) {
    ir::Task t;
    t.footprint = ShellCommandFootprint(command, "f.py", {});
    return Accesses(t);
  };
  EXPECT_EQ(of("virtualenv -p python3.8 /tmp/env && /tmp/env/bin/pip install -r req.txt"),
            (Strings{"create virtualenv /tmp/env", "write packages /tmp/env"}));
  EXPECT_EQ(of("python3 -m venv /opt/v; /opt/v/bin/python run.py"),
            (Strings{"create virtualenv /opt/v", "read virtualenv /opt/v"}));
  EXPECT_EQ(of("pip install --user pandas==1.1.5"),
            (Strings{"write packages python:site-packages"}));
  EXPECT_EQ(of("conda create -n etl python=3.8 -y"), (Strings{"create virtualenv conda:etl"}));
  EXPECT_EQ(
      of("mkdir -p /tmp/out/{{ ds }} && run.sh > /tmp/out/{{ ds }}/log.txt 2>/dev/null"),
      (Strings{"create directory /tmp/out/{{ ds }}", "write file /tmp/out/{{ ds }}/log.txt"}));
  EXPECT_EQ(of("rm -rf /tmp/stage"), (Strings{"delete directory /tmp/stage"}));
  EXPECT_EQ(of("aws s3 cp s3://b/k /tmp/k.csv"), (Strings{"write file /tmp/k.csv"}));
  EXPECT_EQ(of("find /tmp -name '*.json' -delete"), (Strings{"delete file /tmp/*.json"}));
  EXPECT_EQ(of("echo hello"), Strings{});
}

TEST(Footprint, PythonVirtualenvOperatorUsesAFreshDirectory) {
  ModuleLoader loader({}, {});
  const ir::DagFile f = AnalyzeSource("t.py", R"PY(from datetime import datetime
from airflow import DAG
from airflow.operators.python_operator import PythonVirtualenvOperator

def fn():
    pass

dag = DAG('d', start_date=datetime(2021, 1, 1))
PythonVirtualenvOperator(task_id='t', python_callable=fn, requirements=['six'], dag=dag)
)PY",
                                      loader, {})
                            .file;
  const ir::Task& t = OnlyTask(f);
  EXPECT_TRUE(t.InstallsOnWorker());
  for (const ir::HostAccess& a : t.footprint) EXPECT_TRUE(a.unique) << a.path;
}

}  // namespace
}  // namespace dagport::parser
