// dagport_parse_bench: the raw tree-sitter parse of a set of Python files, the floor under
// `dagport inspect`. Reads every file into memory first, then times only
// `parser::SyntaxTree::Parse` (tree-sitter parse + freeing the tree) of each file.
//
//   dagport_parse_bench [-j N] [-r REPEAT] [--stock] [PATH...]
//
// --stock: tree-sitter as a library user runs it out of the box, for comparison: one parser per
// thread, `ts_parser_parse_string` and `ts_tree_delete` on the C library's allocator (dagport's
// arena allocator is never installed in this process).
//
// PATH: a folder (walked recursively for *.py, sorted) or a file; with no PATH (or "-"), the
// paths are read from standard input, one per line. -j N parses on N threads (files taken in
// turn from a shared counter); -r REPEAT times the whole set REPEAT times and reports the best.
// Prints one human line and one `key=value` line for scripts. MB = 10^6 bytes.
#include <tree_sitter/api.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "parser/syntax_tree.h"

namespace fs = std::filesystem;

namespace {

void Usage() {
  std::fprintf(
      stderr,
      "usage: dagport_parse_bench [-j N] [-r REPEAT] [--stock] [PATH...]  (no PATH: paths on "
      "stdin)\n");
}

void AddPath(const std::string& arg, std::vector<std::string>& out) {
  std::error_code ec;
  if (fs::is_directory(arg, ec)) {
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(
             arg, fs::directory_options::follow_directory_symlink, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->is_regular_file(ec) && it->path().extension() == ".py")
        found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  } else {
    out.push_back(arg);
  }
}

struct Run {
  double seconds = 0;
  size_t trees_with_errors = 0;
};

/// The parse as dagport runs it (`SyntaxTree::Parse`: tree-sitter in an arena, the tree dropped
/// with it) or, `stock`, as tree-sitter runs out of the box.
Run ParseAll(const std::vector<std::string>& texts, unsigned jobs, bool stock) {
  // Copies made before the clock starts: Parse takes its text by value and keeps it.
  std::vector<std::string> copies = texts;
  std::atomic<size_t> next{0};
  std::atomic<size_t> errors{0};
  auto work = [&] {
    size_t local_errors = 0;
    if (stock) {
      TSParser* parser = ts_parser_new();
      ts_parser_set_language(parser, dagport::parser::PythonLanguage());
      for (size_t i = next.fetch_add(1); i < copies.size(); i = next.fetch_add(1)) {
        TSTree* tree = ts_parser_parse_string(parser, nullptr, copies[i].data(),
                                              static_cast<uint32_t>(copies[i].size()));
        if (ts_node_has_error(ts_tree_root_node(tree))) ++local_errors;
        ts_tree_delete(tree);
      }
      ts_parser_delete(parser);
      errors += local_errors;
      return;
    }
    for (size_t i = next.fetch_add(1); i < copies.size(); i = next.fetch_add(1)) {
      dagport::parser::SyntaxTree tree = dagport::parser::SyntaxTree::Parse(std::move(copies[i]));
      if (ts_node_has_error(tree.root())) ++local_errors;
    }  // the tree is freed here: part of what is timed, as in dagport
    errors += local_errors;
  };
  const auto start = std::chrono::steady_clock::now();
  if (jobs <= 1) {
    work();
  } else {
    std::vector<std::jthread> threads;
    for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(work);
  }
  const auto end = std::chrono::steady_clock::now();
  return Run{std::chrono::duration<double>(end - start).count(), errors.load()};
}

}  // namespace

int main(int argc, char** argv) {
  try {
    unsigned jobs = 1;
    int repeat = 3;
    std::vector<std::string> paths;
    bool from_stdin = false;
    bool stock = false;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if ((a == "-j" || a == "-r") && i + 1 < argc) {
        const int v = std::atoi(argv[++i]);
        if (v < 1) {
          Usage();
          return 2;
        }
        if (a == "-j") {
          jobs = static_cast<unsigned>(v);
        } else {
          repeat = v;
        }
      } else if (a == "--stock") {
        stock = true;
      } else if (a == "-h" || a == "--help") {
        Usage();
        return 0;
      } else if (a == "-") {
        from_stdin = true;
      } else if (!a.empty() && a[0] == '-') {
        Usage();
        return 2;
      } else {
        AddPath(a, paths);
      }
    }
    if (paths.empty() || from_stdin) {
      for (std::string line; std::getline(std::cin, line);) {
        if (!line.empty()) AddPath(line, paths);
      }
    }
    if (paths.empty()) {
      std::fprintf(stderr, "dagport_parse_bench: no files\n");
      return 2;
    }

    // Load every byte first: the timed part touches no disk.
    std::vector<std::string> texts;
    texts.reserve(paths.size());
    size_t bytes = 0;
    for (const std::string& p : paths) {
      std::ifstream in(p, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "dagport_parse_bench: cannot read %s\n", p.c_str());
        return 2;
      }
      std::ostringstream ss;
      ss << in.rdbuf();
      texts.push_back(std::move(ss).str());
      bytes += texts.back().size();
    }

    // CheckPythonGrammar installs dagport's allocator, which the stock parse must not have.
    if (stock) {
      TSParser* probe = ts_parser_new();
      const bool accepted = ts_parser_set_language(probe, dagport::parser::PythonLanguage());
      ts_parser_delete(probe);
      if (!accepted) {
        std::fprintf(stderr, "dagport_parse_bench: the tree-sitter runtime rejects the grammar\n");
        return 2;
      }
    } else if (std::string why = dagport::parser::CheckPythonGrammar(); !why.empty()) {
      std::fprintf(stderr, "dagport_parse_bench: %s\n", why.c_str());
      return 2;
    }
    Run best;
    best.seconds = 1e300;
    for (int r = 0; r < repeat; ++r) {
      Run run = ParseAll(texts, jobs, stock);
      if (run.seconds < best.seconds) best = run;
    }
    const double mb = static_cast<double>(bytes) / 1e6;
    std::printf(
        "raw tree-sitter parse%s: %zu files, %.1f MB, %u thread(s), best of %d: %.3f s, %.0f "
        "files/s, %.2f MB/s%s\n",
        stock ? " (stock)" : "", texts.size(), mb, jobs, repeat, best.seconds,
        texts.size() / best.seconds, mb / best.seconds,
        best.trees_with_errors ? " (some trees have syntax errors)" : "");
    std::printf(
        "files=%zu bytes=%zu jobs=%u repeat=%d seconds=%.6f files_per_s=%.3f mb_per_s=%.4f "
        "trees_with_errors=%zu stock=%d\n",
        texts.size(), bytes, jobs, repeat, best.seconds, texts.size() / best.seconds,
        mb / best.seconds, best.trees_with_errors, stock ? 1 : 0);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dagport_parse_bench: %s\n", e.what());
    return 2;
  }
}
