// The profile (reference §1.13): the old shapes (and the `data.user` the
// storefront's user query reads), registration's field rules, the shared
// password change with its notification and token revocation, deactivation
// that ends every session, and the address aliases of the address book.
#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using ProfileApi = CommerceApi;
using auth::error_message;

constexpr const char* kNewPassword = "N3w@Passw0rd";

json::object address(const std::string& name) {
  return json::object{{"name", name},  {"street", "12 Oxford Street"}, {"city", "Accra"},         {"state", "GA"},
                      {"zipCode", ""}, {"country", "Ghana"},           {"phone", "+233201234567"}};
}

long long queued(const std::string& to, const std::string& type) {
  return CommerceApi::qn("SELECT count(*) FROM email_logs WHERE to_email = " + CommerceApi::quote(to) +
                         " AND type = " + CommerceApi::quote(type) + " AND status = 'queued'");
}

TEST_F(ProfileApi, SignedInOnlyAndPrivate) {
  EXPECT_EQ(call("GET", "/api/profile").status, 401);
  EXPECT_EQ(call("PUT", "/api/profile", json::object{{"firstName", "Ama"}}).status, 401);
  EXPECT_EQ(call("PUT", "/api/profile/password", json::object{}).status, 401);
  EXPECT_EQ(call("DELETE", "/api/profile").status, 401);
  EXPECT_EQ(call("POST", "/api/profile/address", address("Home")).status, 401);
  auto r = call("GET", "/api/profile", nullptr, customer_);
  EXPECT_EQ(r.header("cache-control"), "private, no-store");
  auto user = data(r).as_object();
  for (const char* k : {"id", "email", "firstName", "lastName", "phone", "role", "emailVerified", "isActive",
                        "createdAt", "updatedAt", "addresses"}) {
    EXPECT_TRUE(user.contains(k)) << k << ": " << r.body;
  }
  EXPECT_EQ(user.size(), 11U) << "no password or lockout fields: " << r.body;
  EXPECT_EQ(str(user.at("email")), customer_email_);
}

TEST_F(ProfileApi, AddressAliasesShareTheAddressBook) {
  auto created = call("POST", "/api/profile/address", address("Home"), customer_);
  std::string id = str(data(created, 201).at("id"));
  auto updated = call("PUT", "/api/profile/address/" + id, json::object{{"city", "Kumasi"}}, customer_);
  EXPECT_EQ(str(data(updated).at("city")), "Kumasi");
  call("POST", "/api/addresses", address("Office"), customer_);
  // GET /api/profile lists the book exactly as GET /api/addresses does.
  auto book = data(call("GET", "/api/addresses", nullptr, customer_));
  EXPECT_EQ(data(call("GET", "/api/profile", nullptr, customer_)).at("addresses"), book);
  EXPECT_EQ(book.as_array().size(), 2U);
  EXPECT_EQ(call("PUT", "/api/profile/address/" + id, json::object{{"city", "Tema"}}, other_).status, 404)
      << "another user's address";
  EXPECT_EQ(call("DELETE", "/api/profile/address/" + id, nullptr, other_).status, 404);
  EXPECT_EQ(call("DELETE", "/api/profile/address/" + id, nullptr, customer_).status, 200);
  EXPECT_EQ(data(call("GET", "/api/profile", nullptr, customer_)).at("addresses").as_array().size(), 1U);
}

TEST_F(ProfileApi, UpdateKeepsTheOldShapeAndRegistrationRules) {
  auto r = call("PUT", "/api/profile",
                json::object{{"firstName", " Akua "}, {"lastName", "Boateng-Mensah"}, {"phone", "+233241234567"}},
                customer_);
  auto user = data(r).as_object();
  EXPECT_EQ(r.json().at("message"), "Profile updated successfully");
  EXPECT_EQ(str(user.at("firstName")), "Akua") << "trimmed";
  EXPECT_EQ(str(user.at("phone")), "+233241234567");
  // The storefront stores this object as its /auth/me answer and reads data.user.
  EXPECT_EQ(str(user.at("data").at("user").at("lastName")), "Boateng-Mensah");
  EXPECT_EQ(user.at("data").at("user").as_object().size(), 10U);
  // /auth/me is answered from the principal cache: it sees the change at once.
  EXPECT_EQ(str(call("GET", "/api/auth/me", nullptr, customer_).json().at("data").at("user").at("firstName")), "Akua");

  // One field at a time; "" clears the phone.
  auto cleared = data(call("PUT", "/api/profile", json::object{{"phone", ""}}, customer_));
  EXPECT_TRUE(cleared.at("phone").is_null());
  EXPECT_EQ(str(cleared.at("firstName")), "Akua");

  auto none = call("PUT", "/api/profile", json::object{{"_changedFields", json::array{}}}, customer_);
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(error_message(none), "At least one field must be provided for update");
  auto bad_name = call("PUT", "/api/profile", json::object{{"firstName", "R2-D2"}}, customer_);
  EXPECT_EQ(bad_name.status, 400);
  EXPECT_EQ(error_message(bad_name), "Name can only contain letters, spaces, and hyphens");
  EXPECT_EQ(call("PUT", "/api/profile", json::object{{"lastName", "  "}}, customer_).status, 400);
  EXPECT_EQ(call("PUT", "/api/profile", json::object{{"lastName", std::string(101, 'a')}}, customer_).status, 400);
  auto bad_phone = call("PUT", "/api/profile", json::object{{"phone", "0241234567"}}, customer_);
  EXPECT_EQ(bad_phone.status, 400);
  EXPECT_EQ(error_message(bad_phone), "Phone must be in E.164 format (e.g., +1234567890)");
  EXPECT_EQ(raw("PUT", "/api/profile", "{nope", customer_).status, 400);
  EXPECT_EQ(q("SELECT first_name || ' ' || last_name FROM users WHERE email = " + quote(customer_email_)),
            "Akua Boateng-Mensah")
      << "refused updates change nothing";
}

TEST_F(ProfileApi, PasswordChangeIsTheAuthRoutesWithANotification) {
  const std::string id = user_id(customer_email_);
  const std::string path = "/api/profile/password";
  auto wrong =
      call("PUT", path, json::object{{"currentPassword", "Wrong@Pass1"}, {"newPassword", kNewPassword}}, customer_);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(error_message(wrong), "Current password is incorrect");
  auto mismatch = call("PUT", path,
                       json::object{{"currentPassword", auth::kCustomerPassword},
                                    {"newPassword", kNewPassword},
                                    {"confirmPassword", "Other@Pass1"}},
                       customer_);
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(error_message(mismatch), "New password and confirmation do not match");
  auto weak = call("PUT", path,
                   json::object{{"currentPassword", auth::kCustomerPassword}, {"newPassword", "password1"}}, customer_);
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(error_message(weak),
            "Password must contain at least 1 uppercase letter, 1 lowercase letter, 1 number, and 1 special character "
            "(@$!%*?&#)");
  EXPECT_TRUE(auth::has_field_error(weak, "newPassword", error_message(weak)));

  // No sleep: tokens carry their issue time in milliseconds.
  auto ok = call("PUT", path,
                 json::object{{"currentPassword", auth::kCustomerPassword},
                              {"newPassword", kNewPassword},
                              {"confirmPassword", kNewPassword}},
                 customer_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json(), json::parse(R"({"success":true,"message":"Password updated successfully"})"));
  EXPECT_EQ(queued(customer_email_, "password_changed"), 1);
  EXPECT_EQ(q("SELECT type || ' ' || title || ' ' || link FROM notifications WHERE user_id = " + quote(id) +
              " AND type = 'security'"),
            "security Security Alert: Password Changed /account/profile");
  EXPECT_EQ(q("SELECT substr(password, 1, 7) FROM users WHERE id = " + quote(id)), "$2b$10$") << "cost 10";
  auto old = call("GET", "/api/profile", nullptr, customer_);
  EXPECT_EQ(old.status, 401);
  EXPECT_EQ(error_message(old), "Session expired due to password change. Please login again.");
  EXPECT_EQ(server_->login(customer_email_, auth::kCustomerPassword).status, 401);
  auto fresh = server_->tokens(customer_email_, kNewPassword).first;
  EXPECT_EQ(call("GET", "/api/profile", nullptr, fresh).status, 200);
}

TEST_F(ProfileApi, DeactivationEndsEverySession) {
  const auto pair = server_->tokens(customer_email_, auth::kCustomerPassword);
  const std::string access = pair.first, refresh = pair.second;
  EXPECT_EQ(call("DELETE", "/api/profile", json::object{{"reason", 42}}, customer_).status, 400);
  auto r = call("DELETE", "/api/profile", json::object{{"reason", "Moving abroad"}}, customer_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"success":true,"message":"Account deactivated successfully"})"));
  EXPECT_EQ(q("SELECT is_active FROM users WHERE email = " + quote(customer_email_)), "f");
  EXPECT_EQ(q("SELECT (template_data->>'template') || ' ' || (template_data->'variables'->>'reason') FROM email_logs"
              " WHERE type = 'account_deactivated' AND to_email = " +
              quote(customer_email_)),
            "accountDeactivated Moving abroad");
  for (const auto& token : {customer_, access}) {
    auto after = call("GET", "/api/profile", nullptr, token);
    EXPECT_EQ(after.status, 401);
    EXPECT_EQ(error_message(after), "Account has been deactivated");
  }
  EXPECT_EQ(server_->post("/api/auth/refresh", json::object{{"refreshToken", refresh}}).status, 401);
  EXPECT_EQ(server_->login(customer_email_, auth::kCustomerPassword).status, 401);
  // Reactivated by an admin: the old tokens stay void.
  q("UPDATE users SET is_active = true WHERE email = " + quote(customer_email_));
  EXPECT_TRUE(auth::wait_until([&] {
    auto again = call("GET", "/api/profile", nullptr, access);
    return again.status == 401 && error_message(again) == "Session expired due to password change. Please login again.";
  }));
  EXPECT_EQ(
      call("GET", "/api/profile", nullptr, server_->tokens(customer_email_, auth::kCustomerPassword).first).status,
      200);
}

}  // namespace
}  // namespace wh::test
