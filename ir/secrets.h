#pragma once
/// Secret values written into DAG files, kept out of what dagport shows: diagnostics, source
/// excerpts, diffs and reports. What counts as a secret follows Airflow's secrets masker
/// (airflow/utils/log/secrets_masker.py): a value bound to a name that contains one of its
/// sensitive words (password, secret, token, api_key, ...), plus the password of a URI.
///
///   password='hunter2'               -> password='***'
///   {'api_key': "abc123"}            -> {'api_key': "***"}
///   DB_PASSWORD = "s3cret"           -> DB_PASSWORD = "***"
///   'postgres://etl:s3cret@db/prod'  -> 'postgres://etl:***@db/prod'
///
/// Only literals are masked: `password=Variable.get("pw")` and templates such as
/// `'{{ conn.db.password }}'` name a secret without holding it.

#include <string>
#include <string_view>
#include <vector>

namespace dagport::ir {

/// True when `name` (an argument, a variable, a dict key, an environment variable) contains
/// one of Airflow's sensitive words, in any case.
bool LooksSecret(std::string_view name);

/// A secret value in a text: the bytes [begin, end), shown as "***".
struct SecretSpan {
  size_t begin = 0, end = 0;
};

/// The secret values in `text`, Python source (a whole file or one line) or a message quoting
/// it, in order and not overlapping.
std::vector<SecretSpan> FindSecrets(std::string_view text);

/// `text` with each secret value replaced by "***".
std::string MaskSecrets(std::string_view text);
std::string MaskSecrets(std::string_view text, const std::vector<SecretSpan>& spans);

/// Where byte `offset` of `text` is once `spans` are masked (an offset inside a secret moves to
/// its start).
size_t MaskedOffset(const std::vector<SecretSpan>& spans, size_t offset);

}  // namespace dagport::ir
