// Fixture of the media API tests: the real server (auth::AuthServer, on a
// fresh copy of the seeded database) with ImageKit pointed at a FakeImageKit
// on loopback, and signed-in tokens of the seeded super admin, admin and a
// customer. One server and one fake per test suite.
#pragma once
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "accounts/auth_test_support.h"
#include "support/fake_imagekit.h"

namespace wh::test {

class MediaApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fake_ = std::make_unique<FakeImageKit>();
    server_ = std::make_unique<auth::AuthServer>();
    auto& c = server_->config;
    c.imagekit_private_key = FakeImageKit::kPrivateKey;
    c.imagekit_public_key = "public_test_key";
    c.imagekit_url_endpoint = FakeImageKit::kEndpoint;
    c.imagekit_upload_base_url = fake_->base_url();
    c.imagekit_api_base_url = fake_->base_url();
    c.imagekit_timeout = std::chrono::milliseconds(2000);
    super_ = server_->tokens(auth::kSuperEmail, auth::kAdminPassword).first;
    admin_ = server_->tokens(auth::kAdminEmail, auth::kAdminPassword).first;
    customer_ = server_->tokens(server_->verified_customer(), auth::kCustomerPassword).first;
  }
  static void TearDownTestSuite() {
    server_.reset();  // before the fake it calls
    fake_.reset();
  }

  static unsigned short port() { return server_->port(); }
  static std::string q(const std::string& statement) { return server_->q(statement); }
  static long long qn(const std::string& statement) { return server_->qn(statement); }

  inline static std::unique_ptr<FakeImageKit> fake_;
  inline static std::unique_ptr<auth::AuthServer> server_;
  inline static std::string super_, admin_, customer_;
};

}  // namespace wh::test
