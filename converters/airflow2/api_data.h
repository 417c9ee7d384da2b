#pragma once
/// What Airflow 2 provides, per target version: where each Airflow 1.10 class and module went,
/// the constructor parameters of the common operators, the modules of Airflow 2.10 and the names
/// each defines, and the provider versions of the official constraints files. The data is
/// converters/data/airflow2_api.json (see its README: derived from Airflow's own deprecation
/// tables and sources), embedded in the binary.

#include <compare>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dagport::converters::airflow2 {

struct AirflowVersion {
  int major = 2, minor = 10, patch = 3;
  static std::optional<AirflowVersion> Parse(std::string_view text);
  std::string ToString() const;
  friend auto operator<=>(const AirflowVersion&, const AirflowVersion&) = default;
};

/// Where a 1.10 class (or a 2.0-era provider class) is on the target version.
struct ClassMove {
  std::string legacy;       ///< the path looked up
  std::string target;       ///< the path that imports on the target; empty when none does
  std::string provider;     ///< pip package providing `target` ("" for Airflow core)
  std::string replacement;  ///< a non-drop-in successor to suggest (PostgresOperator -> SQL...)
  bool inferred = false;    ///< the data's mapping was inferred (same class name), not listed
  bool removed = false;     ///< no successor imports on the target
  bool removed_later =
      false;  ///< a successor existed in earlier 2.x versions (provider dropped it)
};

/// Constructor keywords of an Airflow 2 class on the target, its bases' included.
struct AcceptedKeywords {
  std::set<std::string> names;
  bool known = false;  ///< false when some class on the way is not in the data: do not check
};

class Api {
 public:
  /// The embedded data, parsed on first use.
  static const Api& Get();

  const std::vector<std::string>& targets() const { return targets_; }
  bool IsTarget(const AirflowVersion& v) const;

  /// Where `legacy_path` (a 1.10 dotted class path) goes on `target`; nullopt when the data does
  /// not list it.
  std::optional<ClassMove> MoveClass(std::string_view legacy_path,
                                     const AirflowVersion& target) const;
  /// The Airflow 2 module a 1.10 module became (airflow.operators.bash_operator ->
  /// airflow.operators.bash); nullopt when not listed or split over several modules.
  std::optional<std::string> MoveModule(std::string_view legacy_module) const;
  /// True when the data lists `module` as a 1.10 module (moved, split or removed).
  bool IsLegacyModule(std::string_view module) const;

  /// Airflow 2.10's modules and the names each defines (core and the providers of the 2.10
  /// constraints). Used to check what converted code imports.
  bool ModuleExists(std::string_view module) const;
  bool ModuleDefines(std::string_view module, std::string_view name) const;

  /// The constructor keywords class `path` accepts on `target`; `known` false when the data
  /// does not describe the class and all its bases up to BaseOperator.
  /// Held for the calling thread's lifetime (computed once per class and target per thread).
  const AcceptedKeywords& Keywords(std::string_view path, const AirflowVersion& target) const;
  /// The 1.10.15 constructor parameters of the class an Airflow 2 operator came from.
  std::vector<std::string> LegacyParameters(std::string_view path) const;
  /// True when the data describes the class's constructor.
  bool HasSignature(std::string_view path) const;

  /// Provider package -> version pinned by Airflow's constraints file for `target`.
  std::map<std::string, std::string> Constraints(const AirflowVersion& target) const;
  /// The constraints file MWAA's requirements.txt should name for `target`.
  static std::string ConstraintsUrl(const AirflowVersion& target);

  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

 private:
  Api();
  std::optional<ClassMove> ComputeMove(std::string_view legacy_path,
                                       const AirflowVersion& target) const;
  AcceptedKeywords ComputeKeywords(std::string_view path, const AirflowVersion& target) const;
  struct Data;
  const Data* data_;
  std::vector<std::string> targets_;
};

/// The dotted module of a dotted class path ("a.b.C" -> "a.b").
std::string_view ModuleOf(std::string_view path);
/// The last component of a dotted path ("a.b.C" -> "C").
std::string_view NameOf(std::string_view path);

}  // namespace dagport::converters::airflow2
