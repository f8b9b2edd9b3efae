// What must never reach the logs: database error details (row contents)
// when a request fails with a 500.
#include <gtest/gtest.h>

#include <string>

#include "accounts/auth_test_support.h"
#include "db/result.h"
#include "support/log_capture.h"

namespace wh::test::auth {
namespace {

using db::DbError;

TEST(DbErrorText, KeepsThePrimaryMessageAndDropsDetails) {
  DbError unique(
      "ERROR:  duplicate key value violates unique constraint \"users_email_key\"\n"
      "DETAIL:  Key (email)=(ama@example.com) already exists.\n",
      "23505", false);
  EXPECT_STREQ(unique.what(), "ERROR:  duplicate key value violates unique constraint \"users_email_key\"");
  EXPECT_TRUE(unique.unique_violation());

  // A DETAIL that itself spans lines (a text value with a newline) goes entirely.
  DbError check(
      "ERROR:  new row for relation \"users\" violates check constraint \"c\"\n"
      "DETAIL:  Failing row contains (id1, ama@example.com, $2b$10$hash, line one\nline two).\n"
      "HINT:  something\nCONTEXT:  SQL function\n",
      "23514", false);
  EXPECT_STREQ(check.what(), "ERROR:  new row for relation \"users\" violates check constraint \"c\"");

  DbError context("ERROR:  boom\nCONTEXT:  PL/pgSQL function f(text) line 3 at RAISE\n", "P0001", false);
  EXPECT_STREQ(context.what(), "ERROR:  boom");
  DbError plain("connect: could not connect to server", "", true);
  EXPECT_STREQ(plain.what(), "connect: could not connect to server");
}

TEST(LogHygiene, ADatabaseErrorsRowContentsStayOutOfTheLog) {
  AuthServer s;
  // Make registration fail inside PostgreSQL with a DETAIL quoting the row
  // (e-mail and password hash): a check constraint no handler knows about.
  s.q("ALTER TABLE users ADD CONSTRAINT wh_test_no_secretrow CHECK (last_name <> 'Secretrow')");
  s.port();  // start the server before capturing

  StdoutCapture capture;
  auto r = s.post("/api/auth/register", json::object{{"email", "leak.check@example.com"},
                                                     {"password", "Str0ng@Pass"},
                                                     {"firstName", "Ama"},
                                                     {"lastName", "Secretrow"}});
  std::string log = capture.text();
  capture.restore();

  ASSERT_EQ(r.status, 500) << r.body;
  EXPECT_EQ(r.body.find("Secretrow"), std::string::npos) << r.body;
  // The failure is logged, with the constraint's name, but not the row.
  EXPECT_NE(log.find("request failed"), std::string::npos) << log;
  EXPECT_NE(log.find("wh_test_no_secretrow"), std::string::npos) << log;
  EXPECT_EQ(log.find("Failing row"), std::string::npos) << log;
  EXPECT_EQ(log.find("DETAIL"), std::string::npos) << log;
  EXPECT_EQ(log.find("leak.check@example.com"), std::string::npos) << log;
  EXPECT_EQ(log.find("$2b$"), std::string::npos) << log;
}

}  // namespace
}  // namespace wh::test::auth
