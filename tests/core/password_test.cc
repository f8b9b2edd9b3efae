#include "core/password.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "support/test_env.h"

namespace wh::password {
namespace {

// The bcrypt hash stored in tests/fixtures/prisma_legacy.sql for LegacyPass123!.
constexpr const char* kLegacyHash = "$2a$10$LegacySaltWigHaven012u/zCExC6RhKfvoUke93uL3MPDmk6bq0W";

TEST(PasswordTest, HashIsBcrypt2bCost10) {
  std::string h = hash("correct horse");
  ASSERT_EQ(h.size(), 60u) << h;
  EXPECT_EQ(h.substr(0, 7), "$2b$10$");
  EXPECT_TRUE(verify("correct horse", h));
  EXPECT_FALSE(verify("correct horsE", h));
  EXPECT_FALSE(verify("", h));
}

TEST(PasswordTest, HashesAreSalted) {
  std::string a = hash("same", 4);
  std::string b = hash("same", 4);
  EXPECT_EQ(a.substr(0, 7), "$2b$04$");
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify("same", a));
  EXPECT_TRUE(verify("same", b));
}

TEST(PasswordTest, VerifiesOpenBsdTestVector) {
  // From the OpenBSD / John the Ripper bcrypt test vectors.
  EXPECT_TRUE(verify("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_FALSE(verify("U*V", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  // Same vector with a changed last character of the checksum.
  EXPECT_FALSE(verify("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeX"));
}

TEST(PasswordTest, VerifiesTheLegacyFixtureHash) {
  // Keep the literal in step with the fixture the migration test loads.
  std::ifstream in(test::source_path("tests/fixtures/prisma_legacy.sql"));
  ASSERT_TRUE(in) << "cannot open the fixture (is WH_SOURCE_DIR set?)";
  std::stringstream ss;
  ss << in.rdbuf();
  std::smatch m;
  std::string text = ss.str();
  ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(\$2[aby]\$\d\d\$[./A-Za-z0-9]{53})")));
  EXPECT_EQ(m.str(), kLegacyHash);

  EXPECT_TRUE(verify("LegacyPass123!", kLegacyHash));
  EXPECT_FALSE(verify("LegacyPass123", kLegacyHash));
  EXPECT_FALSE(verify("legacypass123!", kLegacyHash));
}

TEST(PasswordTest, RejectsMalformedHashes) {
  const std::string good = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
  EXPECT_FALSE(verify("U*U", ""));
  EXPECT_FALSE(verify("U*U", "not a hash"));
  EXPECT_FALSE(verify("U*U", good.substr(0, 59)));      // truncated
  EXPECT_FALSE(verify("U*U", good + "x"));              // too long
  EXPECT_FALSE(verify("U*U", "$1$" + good.substr(3)));  // not bcrypt
  EXPECT_FALSE(verify("U*U", "$2a$05$!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"));
  EXPECT_FALSE(verify("U*U", "$2a$99$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));  // bad cost
  // A hash of a different password with the same salt does not verify.
  EXPECT_FALSE(verify("", good));
}

}  // namespace
}  // namespace wh::password
