#include "ir/secrets.h"

#include <gtest/gtest.h>

#include "ir/diagnostic.h"
#include "ir/diagnostic_render.h"

namespace dagport::ir {
namespace {

TEST(Secrets, SensitiveNamesAreAirflowsInAnyCase) {
  for (const char* name : {"password", "DB_PASSWORD", "api_key", "ApiKey", "x_secret_y",
                           "access_token", "Authorization", "private_key", "keyfile_dict",
                           "service_account", "passwd", "passphrase"}) {
    EXPECT_TRUE(LooksSecret(name)) << name;
  }
  for (const char* name : {"user", "host", "bash_command", "task_id", "schema", "key"})
    EXPECT_FALSE(LooksSecret(name)) << name;
}

TEST(Secrets, MasksLiteralsBoundToSensitiveNames) {
  struct Case {
    const char* text;
    const char* masked;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"op = MySqlOperator(task_id='q', password='hunter2')",
            "op = MySqlOperator(task_id='q', password='***')"},
           {"DB_PASSWORD = \"s3cret\"", "DB_PASSWORD = \"***\""},
           {"cfg = {'api_key': \"abc123\", 'region': 'eu'}",
            "cfg = {'api_key': \"***\", 'region': 'eu'}"},
           {"self.token = r'xyz'", "self.token = r'***'"},
           {"h(secret = '''multi\nline''')", "h(secret = '''***''')"},
           {"env={'AWS_SECRET_ACCESS_KEY': 'wJalr/K7MDENG', 'A': '1'}",
            "env={'AWS_SECRET_ACCESS_KEY': '***', 'A': '1'}"},
           {"uri = 'postgres://etl:s3cret@db.example.com:5432/prod'",
            "uri = 'postgres://etl:***@db.example.com:5432/prod'"},
           {"cannot connect to mysql://root:toor@localhost/db",
            "cannot connect to mysql://root:***@localhost/db"},
           // Any value bound to a sensitive name, as Airflow's masker does (even a Variable's
           // name).
           {"password_var = 'db_password'", "password_var = '***'"},
           // A message quoting source inside its own quotes.
           {"syntax error near 'password=\"hunter2\" +'", "syntax error near 'password=\"***\" +'"},
       }) {
    EXPECT_EQ(MaskSecrets(c.text), c.masked) << c.text;
  }
}

TEST(Secrets, LeavesReferencesTemplatesAndOtherValuesAlone) {
  for (const char* text : {
           "password=Variable.get('db_password')",
           "password='{{ conn.db.password }}'",
           "token=''",
           "if password == 'x':",
           "bash_command='echo token'",
           "# password='commented out'",
           "url = 'https://example.com/path'",
           "url = 'https://user@example.com/path'",
           "f(a='password', b='x')",
       }) {
    EXPECT_EQ(MaskSecrets(text), text);
  }
}

TEST(Secrets, MaskedOffsetsFollowTheMask) {
  const std::string text = "f(password='hunter2', x=1)";
  const std::vector<SecretSpan> spans = FindSecrets(text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(text.substr(spans[0].begin, spans[0].end - spans[0].begin), "hunter2");
  const std::string masked = MaskSecrets(text, spans);
  EXPECT_EQ(masked, "f(password='***', x=1)");
  EXPECT_EQ(MaskedOffset(spans, text.find("x=1")), masked.find("x=1"));
  EXPECT_EQ(MaskedOffset(spans, text.find("unter2")), masked.find("***"));
  EXPECT_EQ(MaskedOffset(spans, 2), 2u);
}

TEST(Secrets, DiagnosticsMaskTheirMessagesAndExcerpts) {
  const std::string line = "t = MySqlOperator(task_id='q', password='hunter2', bad=1)";
  // The range of `bad=1`, after the secret.
  const auto column = static_cast<uint32_t>(line.find("bad") + 1);
  Diagnostic d = MakeDiagnostic("DP101", "dags/x.py", {3, column, 3, column + 5},
                                "syntax error near 'password=\"hunter2\"'", "fix it");
  EXPECT_EQ(d.message.find("hunter2"), std::string::npos) << d.message;
  const std::string text = RenderText(
      {d}, [&](const std::string&, uint32_t) -> std::optional<std::string> { return line; }, {});
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  const std::string masked_line = "t = MySqlOperator(task_id='q', password='***', bad=1)";
  EXPECT_NE(text.find(" 3 | " + masked_line + "\n"), std::string::npos) << text;
  // The marker is still under `bad=1`.
  const std::string marker_line =
      "   | " + std::string(masked_line.find("bad"), ' ') + "^~~~~" + "\n";
  EXPECT_NE(text.find(marker_line), std::string::npos) << text;
}

}  // namespace
}  // namespace dagport::ir
