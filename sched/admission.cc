#include "sched/admission.h"

#include <utility>

namespace dagport::sched {

namespace {

uint64_t Key(uint32_t a, uint32_t b) {
  return (uint64_t{a} << 32) | b;
}

}  // namespace

AdmissionQueue::AdmissionQueue(AdmissionLimits limits)
    : limits_(std::move(limits)),
      waiting_dag_(limits_.dag_max_active.size()),
      waiting_pool_(limits_.pool_slots.size()),
      dag_active_(limits_.dag_max_active.size(), 0),
      pool_used_(limits_.pool_slots.size(), 0) {}

uint32_t AdmissionQueue::GroupOf(uint32_t dag, uint32_t pool) {
  auto [it, inserted] =
      group_index_.try_emplace(Key(dag, pool), static_cast<uint32_t>(groups_.size()));
  if (inserted) {
    groups_.emplace_back();
    groups_.back().dag = dag;
    groups_.back().pool = pool;
  }
  return it->second;
}

bool AdmissionQueue::DagFull(uint32_t dag) const {
  return dag_active_[dag] >= limits_.dag_max_active[dag];
}

int AdmissionQueue::PoolOpen(uint32_t pool) const {
  return limits_.pool_slots[pool] - pool_used_[pool];
}

void AdmissionQueue::Place(uint32_t g) {
  Group& group = groups_[g];
  if (group.ready.empty()) {
    group.where = Where::kIdle;
  } else if (DagFull(group.dag)) {
    group.where = Where::kWaitDag;
    waiting_dag_[group.dag].push_back(g);
  } else if (PoolOpen(group.pool) <= 0) {
    group.where = Where::kWaitPool;
    waiting_pool_[group.pool].push_back(g);
  } else {
    group.where = Where::kEligible;
    eligible_.insert({*group.ready.begin(), g});
  }
}

void AdmissionQueue::Unlist(uint32_t g) {
  Group& group = groups_[g];
  if (group.where == Where::kEligible) eligible_.erase({*group.ready.begin(), g});
  group.where = Where::kIdle;
}

void AdmissionQueue::Add(const Candidate& c) {
  const uint32_t g = GroupOf(c.dag, c.pool);
  Group& group = groups_[g];
  ++ready_;
  if (group.where == Where::kEligible) {
    if (Order()(c, *group.ready.begin())) {
      eligible_.erase({*group.ready.begin(), g});
      group.ready.insert(c);
      eligible_.insert({c, g});
    } else {
      group.ready.insert(c);
    }
    return;
  }
  group.ready.insert(c);
  if (group.where == Where::kIdle) Place(g);
}

size_t AdmissionQueue::Admit(size_t max_count, std::vector<Candidate>& admitted) {
  size_t budget = max_count;
  if (limits_.parallelism > 0) {
    const size_t free = occupied_ >= static_cast<size_t>(limits_.parallelism)
                            ? 0
                            : static_cast<size_t>(limits_.parallelism) - occupied_;
    budget = std::min(budget, free);
  }
  size_t count = 0;
  std::vector<Candidate> passed_over;  // blocked by a per-task limit or too many pool slots
  while (count < budget && !eligible_.empty()) {
    const Entry entry = *eligible_.begin();
    const uint32_t g = entry.group;
    Group& group = groups_[g];
    const Candidate c = entry.head;
    if (DagFull(group.dag) || PoolOpen(group.pool) <= 0) {
      Unlist(g);
      Place(g);
      continue;
    }
    eligible_.erase(eligible_.begin());
    group.ready.erase(group.ready.begin());
    group.where = Where::kIdle;
    const int open = PoolOpen(c.pool);
    bool admit = true;
    if (c.pool_slots > limits_.pool_slots[c.pool]) {
      impossible_.push_back(c);
      --ready_;
      admit = false;
    } else if (c.pool_slots > open) {
      admit = false;  // lower-priority instances needing fewer slots may still fit
      passed_over.push_back(c);
    } else if (c.task_limit > 0 && task_active_[c.task] >= c.task_limit) {
      admit = false;
      passed_over.push_back(c);
    } else if (c.run_task_limit > 0 && run_task_active_[Key(c.run, c.task)] >= c.run_task_limit) {
      admit = false;
      passed_over.push_back(c);
    }
    if (admit) {
      --ready_;
      ++occupied_;
      ++dag_active_[c.dag];
      pool_used_[c.pool] += c.pool_slots;
      if (c.task_limit > 0) ++task_active_[c.task];
      if (c.run_task_limit > 0) ++run_task_active_[Key(c.run, c.task)];
      admitted.push_back(c);
      ++count;
    }
    Place(g);
  }
  for (const Candidate& c : passed_over) {
    --ready_;
    Add(c);
  }
  return count;
}

void AdmissionQueue::Wake(std::vector<uint32_t>& waiting, Where from) {
  std::vector<uint32_t> groups = std::move(waiting);
  waiting.clear();
  for (uint32_t g : groups) {
    if (groups_[g].where != from) continue;  // moved on since it was listed
    groups_[g].where = Where::kIdle;
    Place(g);
  }
}

void AdmissionQueue::Release(const Candidate& c) {
  --occupied_;
  const bool dag_was_full = DagFull(c.dag);
  const bool pool_was_full = PoolOpen(c.pool) <= 0;
  --dag_active_[c.dag];
  pool_used_[c.pool] -= c.pool_slots;
  if (c.task_limit > 0) --task_active_[c.task];
  if (c.run_task_limit > 0) --run_task_active_[Key(c.run, c.task)];
  if (dag_was_full && !DagFull(c.dag)) Wake(waiting_dag_[c.dag], Where::kWaitDag);
  if (pool_was_full && PoolOpen(c.pool) > 0) Wake(waiting_pool_[c.pool], Where::kWaitPool);
}

}  // namespace dagport::sched
