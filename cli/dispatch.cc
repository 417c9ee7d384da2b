// `dagport [--help | --version | COMMAND ...]`: finds the command, parses its options with
// Boost.Program_options, runs it, and turns usage mistakes into exit code 2.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/command.h"
#include "parser/syntax_tree.h"

namespace dagport::cli {

namespace {

void PrintOverview(std::ostream& out) {
  out << "dagport " DAGPORT_VERSION
         " - move Airflow 1.x DAGs to Airflow 2 (MWAA) with every task isolated\n\n"
         "Usage: dagport COMMAND [options]\n\nCommands:\n";
  for (const CommandSpec& c : Commands()) {
    out << fmt::format("  {:<10}{}\n", c.name, c.summary);
  }
  out << "\nOptions:\n  -h, --help    this overview; `dagport COMMAND --help` for a command\n"
         "  --version     print the version\n\n"
         "Exit codes: 0 success, 1 findings at or above --fail-on or a failed task, 2 usage or I/O "
         "error.\n";
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

const CommandSpec* FindCommand(std::string_view name) {
  for (const CommandSpec& c : Commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

po::options_description VisibleOptions(const CommandSpec& c) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help");
  if (c.add_options != nullptr) c.add_options(options);
  return options;
}

int RunCommand(const CommandSpec& c, const std::vector<std::string>& args) {
  po::options_description visible = VisibleOptions(c);
  po::options_description all;
  all.add(visible);
  po::positional_options_description positional;
  if (!c.positional_name.empty()) {
    all.add_options()(std::string(c.positional_name).c_str(), po::value<std::vector<std::string>>(),
                      "");
    positional.add(std::string(c.positional_name).c_str(), -1);
  }
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (vm.count("help")) {
    std::cout << fmt::format("Usage: dagport {} {}\n\n{}\n", c.name, c.usage, c.summary);
    std::cout << "\n" << visible;
    return kExitOk;
  }
  return c.run(vm);
}

}  // namespace

int Main(const std::vector<std::string>& args) {
  if (args.empty()) {
    PrintOverview(std::cerr);
    return kExitUsage;
  }
  const std::string& first = args.front();
  if (first == "-h" || first == "--help" || first == "help") {
    if (first == "help" && args.size() > 1) return Main({args[1], "--help"});
    PrintOverview(std::cout);
    return kExitOk;
  }
  if (first == "--version" || first == "-V") {
    std::cout << "dagport " DAGPORT_VERSION "\n";
    return kExitOk;
  }
  const CommandSpec* command = FindCommand(first);
  if (command == nullptr) {
    std::string suggestion;
    for (const CommandSpec& c : Commands()) {
      if (EditDistance(first, c.name) <= 2)
        suggestion = fmt::format(" (did you mean '{}'?)", c.name);
    }
    std::cerr << fmt::format("dagport: unknown command '{}'{}; see 'dagport --help'\n", first,
                             suggestion);
    return kExitUsage;
  }
  try {
    if (std::string problem = parser::CheckPythonGrammar(); !problem.empty()) {
      std::cerr << "dagport: " << problem << "\n";
      return kExitUsage;
    }
    return RunCommand(*command, std::vector<std::string>(args.begin() + 1, args.end()));
  } catch (const UsageError& e) {
    std::cerr << fmt::format("dagport {}: {}; see 'dagport {} --help'\n", command->name, e.what(),
                             command->name);
    return kExitUsage;
  }
}

}  // namespace dagport::cli
