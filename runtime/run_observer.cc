#include "runtime/run_observer.h"

#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <tuple>

namespace dagport::runtime {

namespace {

class StatsdObserver : public RunObserver {
 public:
  StatsdObserver(const std::string& host_port, std::string prefix) : prefix_(std::move(prefix)) {
    const size_t colon = host_port.rfind(':');
    if (colon == std::string::npos)
      throw std::runtime_error("--statsd takes HOST:PORT, not '" + host_port + "'");
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host_port.substr(0, colon).c_str(), host_port.substr(colon + 1).c_str(), &hints,
                    &found) != 0 ||
        found == nullptr)
      throw std::runtime_error("cannot resolve the StatsD address " + host_port);
    fd_ = socket(found->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ >= 0 && connect(fd_, found->ai_addr, found->ai_addrlen) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    freeaddrinfo(found);
    if (fd_ < 0) throw std::runtime_error("cannot open a UDP socket to " + host_port);
  }
  ~StatsdObserver() override {
    if (fd_ >= 0) ::close(fd_);
  }
  void TaskStarted(const std::string& dag, const std::string& task, int) override {
    Send(fmt::format("ti.start.{}.{}:1|c", dag, task));
  }
  void TaskFinished(const std::string& dag, const std::string& task, const std::string& state,
                    double seconds) override {
    Send(fmt::format("ti.finish.{}.{}.{}:1|c", dag, task, state));
    if (state == "success") Send("ti_successes:1|c");
    if (state == "failed") Send("ti_failures:1|c");
    Send(fmt::format("dag.{}.{}.duration:{:.0f}|ms", dag, task, seconds * 1000));
  }
  void RunFinished(const std::string& dag, const std::string&, bool success,
                   double seconds) override {
    Send(fmt::format("dagrun.duration.{}.{}:{:.0f}|ms", success ? "success" : "failed", dag,
                     seconds * 1000));
  }

 private:
  void Send(const std::string& metric) {
    const std::string line = prefix_.empty() ? metric : prefix_ + "." + metric;
    // UDP: a lost or refused datagram is not the run's problem.
    [[maybe_unused]] const ssize_t n = ::send(fd_, line.data(), line.size(), MSG_DONTWAIT);
  }
  std::string prefix_;
  int fd_ = -1;
};

std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

class PrometheusFile : public RunObserver {
 public:
  explicit PrometheusFile(std::string path) : path_(std::move(path)) { Write(); }
  void TaskStarted(const std::string&, const std::string&, int) override {}
  void TaskFinished(const std::string& dag, const std::string& task, const std::string& state,
                    double seconds) override {
    ++finished_[{dag, task, state}];
    auto& d = durations_[{dag, task}];
    d.first += seconds;
    d.second += 1;
    Write();
  }
  void RunFinished(const std::string& dag, const std::string&, bool success,
                   double seconds) override {
    runs_[{dag, success ? "success" : "failed"}] = seconds;
    Write();
  }

 private:
  void Write() {
    std::string out;
    out += "# HELP dagport_task_finished_total Tries of tasks that ended, by state.\n";
    out += "# TYPE dagport_task_finished_total counter\n";
    for (const auto& [key, n] : finished_) {
      const auto& [dag, task, state] = key;
      out += fmt::format(
          "dagport_task_finished_total{{dag_id=\"{}\",task_id=\"{}\",state=\"{}\"}} {}\n",
          Label(dag), Label(task), Label(state), n);
    }
    out += "# HELP dagport_task_duration_seconds How long tries of tasks ran.\n";
    out += "# TYPE dagport_task_duration_seconds summary\n";
    for (const auto& [key, d] : durations_) {
      const auto& [dag, task] = key;
      out +=
          fmt::format("dagport_task_duration_seconds_sum{{dag_id=\"{}\",task_id=\"{}\"}} {:.3f}\n",
                      Label(dag), Label(task), d.first);
      out += fmt::format("dagport_task_duration_seconds_count{{dag_id=\"{}\",task_id=\"{}\"}} {}\n",
                         Label(dag), Label(task), d.second);
    }
    out += "# HELP dagport_dagrun_duration_seconds How long the last DAG run took, by outcome.\n";
    out += "# TYPE dagport_dagrun_duration_seconds gauge\n";
    for (const auto& [key, seconds] : runs_) {
      out += fmt::format("dagport_dagrun_duration_seconds{{dag_id=\"{}\",state=\"{}\"}} {:.3f}\n",
                         Label(key.first), key.second, seconds);
    }
    const std::string tmp = path_ + ".tmp";
    {
      std::ofstream f(tmp, std::ios::trunc);
      f << out;
    }
    std::rename(tmp.c_str(), path_.c_str());
  }
  std::string path_;
  std::map<std::tuple<std::string, std::string, std::string>, long> finished_;
  std::map<std::pair<std::string, std::string>, std::pair<double, long>> durations_;
  std::map<std::pair<std::string, std::string>, double> runs_;
};

class JsonLinesFile : public RunObserver {
 public:
  explicit JsonLinesFile(const std::string& path) {
    // Close-on-exec, so that no task inherits it.
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot write the events file " + path);
  }
  ~JsonLinesFile() override { ::close(fd_); }
  void TaskStarted(const std::string& dag, const std::string& task, int try_number) override {
    Emit({{"event", "task_start"}, {"dag_id", dag}, {"task_id", task}, {"try", try_number}});
  }
  void TaskFinished(const std::string& dag, const std::string& task, const std::string& state,
                    double seconds) override {
    Emit({{"event", "task_finish"},
          {"dag_id", dag},
          {"task_id", task},
          {"state", state},
          {"seconds", seconds}});
  }
  void RunFinished(const std::string& dag, const std::string& run_id, bool success,
                   double seconds) override {
    Emit({{"event", "run_finish"},
          {"dag_id", dag},
          {"run_id", run_id},
          {"state", success ? "success" : "failed"},
          {"seconds", seconds}});
  }

 private:
  void Emit(nlohmann::ordered_json j) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    nlohmann::ordered_json line = {{"time_ms", now}};
    line.update(j);
    const std::string text = line.dump() + "\n";
    [[maybe_unused]] const ssize_t n = ::write(fd_, text.data(), text.size());
  }
  int fd_ = -1;
};

}  // namespace

std::unique_ptr<RunObserver> MakeStatsdObserver(const std::string& host_port,
                                                const std::string& prefix) {
  return std::make_unique<StatsdObserver>(host_port, prefix);
}

std::unique_ptr<RunObserver> MakePrometheusFile(const std::string& path) {
  return std::make_unique<PrometheusFile>(path);
}

std::unique_ptr<RunObserver> MakeJsonLinesFile(const std::string& path) {
  return std::make_unique<JsonLinesFile>(path);
}

}  // namespace dagport::runtime
