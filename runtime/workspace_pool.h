#pragma once
/// Workspaces of successful tries that left nothing in them are used again (renamed) by later
/// tries: making a folder costs far more than renaming one on most file systems. The free ones
/// wait in a folder of their own until a try takes one or the run ends.

#include <cstdint>
#include <filesystem>
#include <utility>
#include <vector>

namespace dagport::runtime {

class WorkspacePool {
 public:
  /// `work_dir`: where tries' workspaces are; `free_dir`: where the free ones wait
  /// (<home>/work/.free).
  WorkspacePool(std::filesystem::path work_dir, std::filesystem::path free_dir)
      : work_dir_(std::move(work_dir)), free_dir_(std::move(free_dir)) {}

  /// Renames a free workspace to `workspace`; false when there is none (make a new one).
  bool TakeFreeWorkspace(const std::filesystem::path& workspace);
  /// Keeps `workspace` for a later try when it is empty; leaves it where it is otherwise.
  void GiveBackWorkspace(const std::filesystem::path& workspace);
  /// Removes the unused workspaces (empty folders) when the run ends.
  void RemoveFreeWorkspaces();

 private:
  std::filesystem::path work_dir_;
  std::filesystem::path free_dir_;
  bool work_dir_made_ = false;
  std::vector<std::filesystem::path> free_workspaces_;
  uint64_t free_serial_ = 0;
};

}  // namespace dagport::runtime
