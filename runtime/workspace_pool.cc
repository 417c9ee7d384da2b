#include "runtime/workspace_pool.h"

#include <string>

namespace dagport::runtime {

namespace fs = std::filesystem;

bool WorkspacePool::TakeFreeWorkspace(const fs::path& workspace) {
  std::error_code ec;
  while (!free_workspaces_.empty()) {
    const fs::path free = std::move(free_workspaces_.back());
    free_workspaces_.pop_back();
    if (!work_dir_made_) work_dir_made_ = fs::create_directories(work_dir_, ec) || !ec;
    fs::rename(free, workspace, ec);
    if (!ec) return true;
  }
  return false;
}

void WorkspacePool::GiveBackWorkspace(const fs::path& workspace) {
  std::error_code ec;
  if (!fs::is_empty(workspace, ec) || ec) return;
  if (free_workspaces_.empty()) fs::create_directories(free_dir_, ec);
  fs::path free = free_dir_ / std::to_string(free_serial_++);
  fs::rename(workspace, free, ec);
  if (!ec) free_workspaces_.push_back(std::move(free));
}

void WorkspacePool::RemoveFreeWorkspaces() {
  std::error_code ec;
  for (const fs::path& free : free_workspaces_) fs::remove(free, ec);
  free_workspaces_.clear();
  fs::remove(free_dir_, ec);  // when empty
}

}  // namespace dagport::runtime
