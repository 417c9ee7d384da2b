#include "runtime/secret_mask.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>

#include "ir/secrets.h"

namespace dagport::runtime {

std::vector<std::string> SecretValues(const std::vector<std::string>& env) {
  std::vector<std::string> secrets;
  for (const std::string& entry : env) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    const std::string value = entry.substr(eq + 1);
    if (value.size() >= 4 && ir::LooksSecret(std::string_view(entry).substr(0, eq)))
      secrets.push_back(value);
  }
  // Longest first, so that a secret containing another is masked whole.
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return secrets;
}

std::string Mask(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& s : secrets) {
    for (size_t at = text.find(s); at != std::string::npos; at = text.find(s, at + 3))
      text.replace(at, s.size(), "***");
  }
  return text;
}

bool MaskFile(const std::string& path, const std::vector<std::string>& secrets) {
  if (secrets.empty()) return true;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string masked = Mask(buffer.str(), secrets);
  const std::string tmp = path + ".masking";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << masked;
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace dagport::runtime
