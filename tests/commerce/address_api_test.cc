// The address book (reference §1.12): shape (with the storefront's
// `street`), validation listing every field, ownership as 404, one default.
#include <thread>
#include <vector>

#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using AddressApi = CommerceApi;

json::object address(const std::string& name, bool is_default = false) {
  return json::object{
      {"name", name},  {"street", "12 Oxford Street"}, {"city", "Accra"},          {"state", "Greater Accra"},
      {"zipCode", ""}, {"country", "Ghana"},           {"phone", "+233201234567"}, {"isDefault", is_default}};
}

TEST_F(AddressApi, SignedInCustomersOnly) {
  EXPECT_EQ(call("GET", "/api/addresses").status, 401);
  EXPECT_EQ(call("POST", "/api/addresses", address("Home")).status, 401);
  EXPECT_EQ(call("GET", "/api/addresses", nullptr, customer_).header("cache-control"), "private, no-store");
}

TEST_F(AddressApi, CreateListUpdateDeleteInTheOldShape) {
  auto created = data(call("POST", "/api/addresses", address("Home"), customer_), 201).as_object();
  for (const char* k : {"id", "userId", "name", "address", "street", "city", "state", "zipCode", "country", "phone",
                        "isDefault", "createdAt", "updatedAt"}) {
    EXPECT_TRUE(created.contains(k)) << k;
  }
  EXPECT_EQ(str(created.at("userId")), user_id(customer_email_));
  EXPECT_EQ(str(created.at("address")), "12 Oxford Street");
  EXPECT_EQ(str(created.at("street")), "12 Oxford Street");
  EXPECT_EQ(str(created.at("zipCode")), "");
  EXPECT_FALSE(created.at("isDefault").as_bool());
  std::string id = str(created.at("id"));
  auto second = data(call("POST", "/api/addresses", address("Office", true), customer_), 201);
  auto list = data(call("GET", "/api/addresses", nullptr, customer_)).as_array();
  ASSERT_EQ(list.size(), 2U);
  EXPECT_EQ(list[0].at("name"), "Office") << "default first";
  auto updated =
      data(call("PATCH", "/api/addresses/" + id,
                json::object{{"street", "1 Ring Road"}, {"_changedFields", json::array{"street"}}}, customer_))
          .as_object();
  EXPECT_EQ(str(updated.at("street")), "1 Ring Road");
  EXPECT_EQ(str(updated.at("city")), "Accra") << "fields not given stay";
  auto deleted = call("DELETE", "/api/addresses/" + id, nullptr, customer_);
  EXPECT_EQ(deleted.json(), json::parse(R"({"success":true,"message":"Address deleted"})"));
  EXPECT_EQ(data(call("GET", "/api/addresses", nullptr, customer_)).as_array().size(), 1U);
  EXPECT_EQ(call("DELETE", "/api/addresses/" + id, nullptr, customer_).status, 404);
}

TEST_F(AddressApi, ValidationListsEveryBadField) {
  auto r = call("POST", "/api/addresses", json::object{{"name", ""}, {"city", 5}, {"isDefault", "maybe"}}, customer_);
  EXPECT_EQ(r.status, 400);
  auto body = r.json();
  for (const char* f : {"name", "street", "city", "state", "country", "phone", "isDefault"}) {
    bool named = false;
    for (const auto& e : body.at("error").at("fields").as_array()) named |= e.at("field") == json::value(f);
    EXPECT_TRUE(named) << f << ": " << r.body;
  }
  auto patch = call("PATCH", "/api/addresses/cnosuchaddress", json::object{{"phone", std::string(21, '1')}}, customer_);
  EXPECT_EQ(patch.status, 400) << "validation before the look-up";
  EXPECT_EQ(qn("SELECT count(*) FROM addresses"), 0);
}

TEST_F(AddressApi, AnotherUsersAddressIsNotFound) {
  std::string id = str(data(call("POST", "/api/addresses", address("Home"), customer_), 201).at("id"));
  EXPECT_EQ(call("PATCH", "/api/addresses/" + id, json::object{{"name", "Mine now"}}, other_).status, 404);
  EXPECT_EQ(call("PATCH", "/api/addresses/" + id, json::object{{"isDefault", true}}, other_).status, 404);
  EXPECT_EQ(call("DELETE", "/api/addresses/" + id, nullptr, other_).status, 404);
  EXPECT_EQ(call("DELETE", "/api/addresses/cnosuchaddress000", nullptr, other_).status, 404);
  EXPECT_TRUE(data(call("GET", "/api/addresses", nullptr, other_)).as_array().empty());
  EXPECT_EQ(q("SELECT name FROM addresses WHERE id = " + quote(id)), "Home");
}

TEST_F(AddressApi, OneDefaultPerUserEvenUnderParallelWrites) {
  std::string uid = user_id(customer_email_);
  std::string first = str(data(call("POST", "/api/addresses", address("A", true), customer_), 201).at("id"));
  std::string other_default = str(data(call("POST", "/api/addresses", address("Theirs", true), other_), 201).at("id"));
  ASSERT_EQ(call("POST", "/api/addresses", address("B", true), customer_).status, 201);
  EXPECT_EQ(q("SELECT string_agg(name, ',') FROM addresses WHERE is_default AND user_id = " + quote(uid)), "B");
  ASSERT_EQ(call("PATCH", "/api/addresses/" + first, json::object{{"isDefault", true}}, customer_).status, 200);
  EXPECT_EQ(q("SELECT string_agg(name, ',') FROM addresses WHERE is_default AND user_id = " + quote(uid)), "A");
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { call("POST", "/api/addresses", address("P" + std::to_string(i), true), customer_); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(qn("SELECT count(*) FROM addresses WHERE user_id = " + quote(uid)), 10);
  EXPECT_EQ(qn("SELECT count(*) FROM addresses WHERE is_default AND user_id = " + quote(uid)), 1);
  EXPECT_EQ(q("SELECT is_default FROM addresses WHERE id = " + quote(other_default)), "t") << "others untouched";
}

}  // namespace
}  // namespace wh::test
