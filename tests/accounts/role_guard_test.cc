// require_user / require_role on a hand-built request context.
#include <gtest/gtest.h>

#include "accounts/authenticate.h"
#include "core/error.h"

namespace wh::accounts {
namespace {

struct Fixture {
  http::Request req;
  web::Services services{Config{}};
  web::Context ctx{req, services};
  void sign_in(std::string role) {
    ctx.auth.token_present = true;
    auto p = std::make_shared<Principal>();
    p->id = "cuser";
    p->email = "u@example.com";
    p->role = std::move(role);
    p->active = true;
    p->email_verified = true;
    p->user_json = "{}";
    ctx.auth.principal = std::move(p);
  }
};

int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e.status();
  }
  return 200;
}

TEST(RoleGuardTest, AnonymousRequestsAre401WithTheOldMessage) {
  Fixture f;
  try {
    require_user(f.ctx);
    FAIL() << "expected 401";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 401);
    EXPECT_STREQ(e.what(), "Please log in to continue");
  }
}

TEST(RoleGuardTest, AFailedTokenReportsWhy) {
  Fixture f;
  f.ctx.auth.token_present = true;
  f.ctx.auth.failure = "Token has been revoked";
  try {
    require_role(f.ctx, {"admin"});
    FAIL() << "expected 401";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 401);
    EXPECT_STREQ(e.what(), "Token has been revoked");
  }
}

TEST(RoleGuardTest, RolesAreCheckedExactly) {
  Fixture customer;
  customer.sign_in("customer");
  EXPECT_EQ(status_of([&] { require_user(customer.ctx); }), 200);
  EXPECT_EQ(status_of([&] { require_role(customer.ctx, {"admin", "super_admin"}); }), 403);

  Fixture admin;
  admin.sign_in("admin");
  EXPECT_EQ(status_of([&] { require_role(admin.ctx, {"admin", "super_admin"}); }), 200);
  EXPECT_EQ(status_of([&] { require_role(admin.ctx, {"super_admin"}); }), 403);
  EXPECT_TRUE(admin.ctx.auth.principal->is_admin());

  Fixture super_admin;
  super_admin.sign_in("super_admin");
  EXPECT_EQ(status_of([&] { require_role(super_admin.ctx, {"super_admin"}); }), 200);
}

}  // namespace
}  // namespace wh::accounts
