// The admin's user routes (reference §1.20): the old shapes, bounded pages,
// a search that takes % and _ literally, super admins hidden from plain
// admins, no ban of an admin, and a ban that ends every session (tokens,
// refresh, sign-in) with its activity row.
#include <tuple>
#include <vector>

#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using AdminUsersApi = CommerceApi;

// A super admin made by SQL (the seed's own may change), with its id.
std::string make_super_admin() {
  CommerceApi::q(
      "INSERT INTO users (id, email, password, first_name, last_name, role, email_verified, is_active, updated_at)"
      " VALUES ('csuperhidden0000000000001', 'hidden.super@example.com', 'x', 'Hidden', 'Super', 'super_admin',"
      " true, true, now())");
  return "csuperhidden0000000000001";
}

long long activities(const std::string& action, const std::string& entity) {
  return CommerceApi::qn("SELECT count(*) FROM admin_activities WHERE action = " + CommerceApi::quote(action) +
                         " AND entity_id = " + CommerceApi::quote(entity));
}

TEST_F(AdminUsersApi, AdminsOnly) {
  std::string id = user_id(customer_email_);
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/admin/users"},
                                                        {"GET", "/api/admin/users/" + id},
                                                        {"PATCH", "/api/admin/users/" + id + "/ban"},
                                                        {"PATCH", "/api/admin/users/" + id + "/unban"}}) {
    EXPECT_EQ(call(method, target).status, 401) << method << " " << target;
    EXPECT_EQ(call(method, target, nullptr, customer_).status, 403) << method << " " << target;
  }
  EXPECT_EQ(qn("SELECT count(*) FROM users WHERE NOT is_active AND id = " + quote(id)), 0);
  EXPECT_EQ(call("GET", "/api/admin/users", nullptr, admin_).header("cache-control"), "private, no-store");
}

TEST_F(AdminUsersApi, ListIsTheOldShapeNewestFirstInBoundedPages) {
  long long visible = qn("SELECT count(*) FROM users WHERE role <> 'super_admin'");
  auto r = call("GET", "/api/admin/users?page=2&limit=3", nullptr, admin_);
  auto users = data(r).as_array();
  ASSERT_EQ(users.size(), 3U);
  auto page = r.json().at("pagination").as_object();
  EXPECT_EQ(page.at("page").as_int64(), 2);
  EXPECT_EQ(page.at("limit").as_int64(), 3);
  EXPECT_EQ(page.at("total").as_int64(), visible);
  EXPECT_EQ(page.at("pages").as_int64(), (visible + 2) / 3);
  auto u = users[0].as_object();
  for (const char* k : {"id", "email", "firstName", "lastName", "phone", "role", "emailVerified", "isActive",
                        "createdAt", "updatedAt", "_count", "order_count", "total_spent"}) {
    EXPECT_TRUE(u.contains(k)) << k;
  }
  EXPECT_FALSE(u.contains("password"));
  std::string expected =
      q("SELECT string_agg(id, ',' ORDER BY created_at DESC, id DESC) FROM (SELECT id, created_at FROM users"
        " WHERE role <> 'super_admin' ORDER BY created_at DESC, id DESC OFFSET 3 LIMIT 3) x");
  std::string got;
  for (const auto& x : users) got += (got.empty() ? "" : ",") + str(x.at("id"));
  EXPECT_EQ(got, expected);
  // Order statistics as the old list computed them.
  std::string id = str(u.at("id"));
  EXPECT_EQ(u.at("order_count").as_int64(), qn("SELECT count(*) FROM orders WHERE user_id = " + quote(id)));
  EXPECT_EQ(u.at("_count").at("orders"), u.at("order_count"));

  EXPECT_EQ(call("GET", "/api/admin/users?limit=101", nullptr, admin_).status, 400);
  EXPECT_EQ(call("GET", "/api/admin/users?page=0", nullptr, admin_).status, 400);
}

TEST_F(AdminUsersApi, SearchMatchesNamesAndEmailTakingWildcardsLiterally) {
  std::string id = user_id(customer_email_);
  q("UPDATE users SET first_name = 'Zyx%_Q', last_name = 'Boateng' WHERE id = " + quote(id));
  auto found = data(call("GET", "/api/admin/users?search=zYX", nullptr, admin_)).as_array();
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(str(found[0].at("id")), id);
  EXPECT_EQ(data(call("GET", "/api/admin/users?search=zyx%25_q%20boateng", nullptr, admin_)).as_array().size(), 1U)
      << "first and last name together";
  // "%" and "_" match themselves only, not any text.
  EXPECT_EQ(data(call("GET", "/api/admin/users?search=%25", nullptr, admin_)).as_array().size(),
            static_cast<std::size_t>(qn("SELECT count(*) FROM users WHERE role <> 'super_admin' AND"
                                        " (strpos(email, '%') > 0 OR strpos(first_name, '%') > 0 OR"
                                        " strpos(last_name, '%') > 0)")));
  auto underscore = call("GET", "/api/admin/users?search=_", nullptr, admin_);
  EXPECT_EQ(underscore.json().at("pagination").at("total").as_int64(),
            qn("SELECT count(*) FROM users WHERE role <> 'super_admin' AND (strpos(email, '_') > 0 OR"
               " strpos(first_name, '_') > 0 OR strpos(last_name, '_') > 0)"));
  auto by_email = data(call("GET", "/api/admin/users?search=" + customer_email_, nullptr, admin_)).as_array();
  ASSERT_EQ(by_email.size(), 1U);
  EXPECT_EQ(data(call("GET", "/api/admin/users?search=nobody-has-this", nullptr, admin_)).as_array().size(), 0U);
}

TEST_F(AdminUsersApi, DetailHasAddressesLatestOrdersAndTotals) {
  std::string id = user_id(customer_email_);
  q("INSERT INTO addresses (id, user_id, name, address, city, state, zip_code, country, phone, is_default, updated_at)"
    " VALUES ('caddrdetail00000000000001', " +
    quote(id) +
    ", 'Ama Mensah', 'Oxford Street', 'Accra', 'Greater Accra', '00233', 'Ghana', '+233200000000',"
    " true, now())");
  // A paid order and a pending one, the newest of the user's.
  for (const auto& [n, pay, total] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"1", "paid", "100.50"}, {"2", "pending", "20.00"}}) {
    q("INSERT INTO orders (id, user_id, order_number, status, payment_status, subtotal, shipping, tax, total,"
      " customer_email, customer_phone, shipping_address, created_at, updated_at) VALUES ('corderdetail00000000000" +
      n + "', " + quote(id) + ", 'WH-DETAIL-" + n + "', 'pending', '" + pay + "', " + total + ", 0, 0, " + total +
      ", " + quote(customer_email_) + ", '+233200000000', '{}', now() + interval '" + n + " minute', now())");
  }
  auto u = data(call("GET", "/api/admin/users/" + id, nullptr, admin_)).as_object();
  EXPECT_EQ(str(u.at("email")), customer_email_);
  EXPECT_FALSE(u.contains("password"));
  auto addresses = u.at("addresses").as_array();
  ASSERT_EQ(addresses.size(), 1U);
  EXPECT_EQ(str(addresses[0].at("city")), "Accra");
  EXPECT_EQ(addresses[0].at("isDefault"), true);
  long long orders = qn("SELECT count(*) FROM orders WHERE user_id = " + quote(id));
  EXPECT_EQ(u.at("order_count").as_int64(), orders);
  EXPECT_EQ(u.at("_count").at("orders").as_int64(), orders);
  auto latest = u.at("orders").as_array();
  EXPECT_EQ(latest.size(), static_cast<std::size_t>(std::min<long long>(orders, 10)));
  ASSERT_GE(latest.size(), 2U);
  EXPECT_EQ(latest[0].as_object(), json::parse(R"({"id":"corderdetail000000000002","orderNumber":"WH-DETAIL-2",)"
                                               R"("status":"pending","paymentStatus":"pending","total":"20",)"
                                               R"("createdAt":")" +
                                               q("SELECT wh_iso(created_at) FROM orders WHERE id ="
                                                 " 'corderdetail000000000002'") +
                                               R"("})")
                                       .as_object());
  EXPECT_EQ(str(latest[1].at("orderNumber")), "WH-DETAIL-1");
  EXPECT_EQ(
      str(u.at("total_spent")),
      q("SELECT trim_scale(sum(total))::text FROM orders WHERE payment_status = 'paid' AND user_id = " + quote(id)));
  EXPECT_EQ(call("GET", "/api/admin/users/cnosuchuser00000000000000", nullptr, admin_).status, 404);
  EXPECT_EQ(call("GET", "/api/admin/users/not%20an%20id", nullptr, admin_).status, 404);
}

TEST_F(AdminUsersApi, SuperAdminsAreHiddenFromPlainAdmins) {
  std::string hidden = make_super_admin();
  auto listed = call("GET", "/api/admin/users?limit=100&search=hidden.super", nullptr, admin_);
  EXPECT_EQ(data(listed).as_array().size(), 0U);
  EXPECT_EQ(listed.json().at("pagination").at("total").as_int64(), 0);
  auto all = call("GET", "/api/admin/users?limit=100", nullptr, admin_);
  EXPECT_EQ(all.json().at("pagination").at("total").as_int64(),
            qn("SELECT count(*) FROM users WHERE role <> 'super_admin'"));
  auto users = data(all);  // bound: a range-for over a temporary's member dangles
  for (const auto& u : users.as_array()) EXPECT_NE(str(u.at("role")), "super_admin");
  EXPECT_EQ(call("GET", "/api/admin/users/" + hidden, nullptr, admin_).status, 404);
  EXPECT_EQ(call("PATCH", "/api/admin/users/" + hidden + "/ban", nullptr, admin_).status, 404);
  EXPECT_EQ(call("PATCH", "/api/admin/users/" + hidden + "/unban", nullptr, admin_).status, 404);
  // A super admin sees them.
  std::string super = server_->tokens(auth::kSuperEmail, auth::kAdminPassword).first;
  EXPECT_EQ(data(call("GET", "/api/admin/users/" + hidden, nullptr, super)).at("role"), "super_admin");
  EXPECT_EQ(data(call("GET", "/api/admin/users?search=hidden.super", nullptr, super)).as_array().size(), 1U);
}

TEST_F(AdminUsersApi, NoOneBansAnAdmin) {
  std::string admin_id = user_id(auth::kAdminEmail);
  std::string super_id = user_id(auth::kSuperEmail);
  std::string super = server_->tokens(auth::kSuperEmail, auth::kAdminPassword).first;
  auto own = call("PATCH", "/api/admin/users/" + admin_id + "/ban", nullptr, admin_);
  EXPECT_EQ(own.status, 403);
  EXPECT_EQ(auth::error_message(own), "Cannot ban admin users");
  EXPECT_EQ(call("PATCH", "/api/admin/users/" + admin_id + "/ban", nullptr, super).status, 403);
  EXPECT_EQ(call("PATCH", "/api/admin/users/" + super_id + "/ban", nullptr, super).status, 403);
  EXPECT_EQ(call("PATCH", "/api/admin/users/" + admin_id + "/unban", nullptr, admin_).status, 403);
  EXPECT_EQ(qn("SELECT count(*) FROM users WHERE role IN ('admin', 'super_admin') AND NOT is_active"), 0);
  EXPECT_EQ(
      qn("SELECT count(*) FROM admin_activities WHERE entity_id IN (" + quote(admin_id) + ", " + quote(super_id) + ")"),
      0);
  EXPECT_EQ(call("PATCH", "/api/admin/users/cnosuchuser00000000000000/ban", nullptr, admin_).status, 404);
}

TEST_F(AdminUsersApi, BanEndsEverySessionAndUnbanLetsTheUserSignInAgain) {
  std::string email = server_->verified_customer(2);
  std::string id = user_id(email);
  auto [access, refresh] = server_->tokens(email, auth::kCustomerPassword);
  ASSERT_EQ(server_->me(access).status, 200);

  auto banned = call("PATCH", "/api/admin/users/" + id + "/ban", nullptr, admin_);
  auto d = data(banned).as_object();
  EXPECT_EQ(d, json::parse(R"({"id":")" + id + R"(","email":")" + email + R"(","isActive":false})").as_object());
  EXPECT_EQ(banned.json().at("message"), "User banned successfully");
  EXPECT_EQ(server_->me(access).status, 401) << "the access token is void at once";
  EXPECT_EQ(server_->post("/api/auth/refresh", json::object{{"refreshToken", refresh}}).status, 401);
  auto login = server_->login(email, auth::kCustomerPassword);
  EXPECT_EQ(login.status, 401);
  EXPECT_EQ(auth::error_message(login), "Account has been deactivated");

  EXPECT_EQ(activities("user.ban", id), 1);
  EXPECT_EQ(q("SELECT admin_id || ' ' || entity_type || ' ' || changes::text || ' ' || (ip_address IS NOT NULL)"
              " FROM admin_activities WHERE action = 'user.ban'"),
            user_id(auth::kAdminEmail) + " user {\"isActive\": false} true");

  auto unbanned = call("PATCH", "/api/admin/users/" + id + "/unban", nullptr, admin_);
  EXPECT_EQ(data(unbanned).at("isActive"), true);
  EXPECT_EQ(unbanned.json().at("message"), "User unbanned successfully");
  EXPECT_EQ(activities("user.unban", id), 1);
  EXPECT_EQ(server_->me(access).status, 401) << "tokens from before the ban stay void";
  auto again = server_->tokens(email, auth::kCustomerPassword).first;
  EXPECT_EQ(server_->me(again).status, 200);
}

}  // namespace
}  // namespace wh::test
