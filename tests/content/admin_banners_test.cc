// The admin banner API: roles, shapes, Joi-style validation, 404s, and that
// every write shows in GET /api/banners at once and invalidates the cache.
#include "support/admin_api.h"
#include "support/json_checks.h"

namespace wh::test {
namespace {

namespace json = boost::json;
using auth::str;

class AdminBanners : public AdminApi {
 protected:
  // A banner that is live now, as the admin form sends it.
  static json::object live_banner(const std::string& title) {
    return json::object{{"title", title},
                        {"description", "Limited time."},
                        {"imageUrl", "https://ik.imagekit.io/wighaven/banners/test.jpg"},
                        {"linkUrl", "https://wighaven.com/products"},
                        {"startDate", "2020-01-01T00:00:00.000Z"},
                        {"endDate", "2099-01-01T00:00:00.000Z"},
                        {"priority", 42},
                        {"isActive", true},
                        {"notifyUsers", false}};
  }
  static std::string create(const json::object& body) {
    auto r = as_admin("POST", "/api/admin/banners", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(r.json().at("data").at("id")) : "";
  }
  // The public banner whose `field` is `value`, or null.
  static json::value public_banner(const std::string& value, const char* field = "id") {
    auto list = ok("/api/banners").at("data").as_array();
    for (const auto& b : list) {
      if (str(b.at(field)) == value) return b;
    }
    return nullptr;
  }
  static bool publicly_titled(const std::string& title) { return !public_banner(title, "title").is_null(); }
  static std::string seeded_banner() { return q("SELECT id FROM promotional_banners ORDER BY id LIMIT 1"); }
};

TEST_F(AdminBanners, OnlyAdminsAndSuperAdmins) {
  std::string id = seeded_banner();
  expect_admin_only("GET", "/api/admin/banners");
  expect_admin_only("GET", "/api/admin/banners/" + id);
  expect_admin_only("POST", "/api/admin/banners");
  expect_admin_only("PUT", "/api/admin/banners/" + id);
  expect_admin_only("DELETE", "/api/admin/banners/" + id);
  EXPECT_EQ(call("GET", "/api/admin/banners/" + id, nullptr, super_).status, 200);
  EXPECT_EQ(qn("SELECT count(*) FROM promotional_banners WHERE id = '" + id + "'"), 1);
}

TEST_F(AdminBanners, ListHasEveryBannerNewestFirstWithItsCreator) {
  auto r = as_admin("GET", "/api/admin/banners");
  ASSERT_EQ(r.status, 200) << r.body;
  auto list = r.json().at("data").as_array();
  ASSERT_EQ(static_cast<long long>(list.size()), qn("SELECT count(*) FROM promotional_banners"));
  std::string prev = "9999";
  for (const auto& b : list) {
    const auto& o = b.as_object();
    EXPECT_EQ(o.size(), 13u) << json::serialize(o);
    for (const char* k : {"startDate", "endDate", "createdAt", "updatedAt"}) EXPECT_TRUE(is_iso_time(o.at(k))) << k;
    EXPECT_LE(str(o.at("createdAt")), prev);
    prev = str(o.at("createdAt"));
    const auto& creator = o.at("creator").as_object();
    EXPECT_EQ(creator.size(), 4u);
    EXPECT_EQ(str(creator.at("id")), str(o.at("createdBy")));
    EXPECT_EQ(str(creator.at("email")), q("SELECT email FROM users WHERE id = '" + str(o.at("createdBy")) + "'"));
  }
  std::string id = str(list.at(0).at("id"));
  auto one = as_admin("GET", "/api/admin/banners/" + id);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.json().at("data"), list.at(0));
  auto missing = as_admin("GET", "/api/admin/banners/cnosuchbanner000000000000");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(auth::error_message(missing), "Banner not found");
  EXPECT_EQ(as_admin("GET", "/api/admin/banners/%27%3B--").status, 404);
}

TEST_F(AdminBanners, CreateShowsInThePublicBanners) {
  EXPECT_FALSE(publicly_titled("Mid-Season Sale"));
  Probes probes{{"banners", "banners"}};
  auto r = as_admin("POST", "/api/admin/banners", live_banner("Mid-Season Sale"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto body = r.json().as_object();
  EXPECT_EQ(str(body.at("message")), "Banner created successfully");
  const auto& b = body.at("data").as_object();
  EXPECT_EQ(b.size(), 12u) << r.body;
  EXPECT_EQ(str(b.at("title")), "Mid-Season Sale");
  EXPECT_EQ(str(b.at("startDate")), "2020-01-01T00:00:00.000Z");
  EXPECT_EQ(str(b.at("endDate")), "2099-01-01T00:00:00.000Z");
  EXPECT_EQ(b.at("priority").as_int64(), 42);
  EXPECT_TRUE(b.at("isActive").as_bool());
  EXPECT_EQ(str(b.at("createdBy")), admin_id());

  probes.expect_invalidated();
  auto shown = public_banner(str(b.at("id")));
  ASSERT_TRUE(shown.is_object()) << "not in /api/banners";
  EXPECT_EQ(str(shown.at("title")), "Mid-Season Sale");
  EXPECT_EQ(str(shown.at("linkUrl")), "https://wighaven.com/products");
  EXPECT_EQ(shown.at("priority").as_int64(), 42);

  // Inactive, or not started yet: stored but not shown.
  auto hidden = live_banner("Hidden Sale");
  hidden["isActive"] = false;
  std::string hidden_id = create(hidden);
  auto later = live_banner("Later Sale");
  later["startDate"] = "2098-06-01";
  std::string later_id = create(later);
  EXPECT_TRUE(public_banner(hidden_id).is_null());
  EXPECT_TRUE(public_banner(later_id).is_null());
  EXPECT_EQ(q("SELECT start_date FROM promotional_banners WHERE id = '" + later_id + "'"), "2098-06-01 00:00:00");
}

TEST_F(AdminBanners, CreateAcceptsTheFormsOptionalShapes) {
  auto body = live_banner("Site Link Sale");
  body["linkUrl"] = "/products?category=lace-front-wigs";
  body["description"] = nullptr;
  body["priority"] = "7";
  body["notifyUsers"] = true;  // accepted; the notifications come with a later issue
  body["startDate"] = "2020-01-01T02:00:00+02:00";
  auto r = as_admin("POST", "/api/admin/banners", body);
  ASSERT_EQ(r.status, 201) << r.body;
  auto b = r.json().at("data").as_object();
  EXPECT_EQ(str(b.at("linkUrl")), "/products?category=lace-front-wigs");
  EXPECT_TRUE(b.at("description").is_null());
  EXPECT_EQ(b.at("priority").as_int64(), 7);
  EXPECT_EQ(str(b.at("startDate")), "2020-01-01T00:00:00.000Z");

  auto bare = json::object{{"title", "Bare"},
                           {"imageUrl", "http://cdn.example.com/b.png"},
                           {"linkUrl", ""},
                           {"startDate", "2020-01-01"},
                           {"endDate", "2099-01-01"}};
  auto r2 = as_admin("POST", "/api/admin/banners", bare);
  ASSERT_EQ(r2.status, 201) << r2.body;
  auto b2 = r2.json().at("data").as_object();
  EXPECT_TRUE(b2.at("linkUrl").is_null());
  EXPECT_EQ(b2.at("priority").as_int64(), 0);
  EXPECT_TRUE(b2.at("isActive").as_bool());
}

TEST_F(AdminBanners, CreateListsEveryBadField) {
  long long before = qn("SELECT count(*) FROM promotional_banners");
  auto missing = as_admin("POST", "/api/admin/banners", json::object{});
  ASSERT_EQ(missing.status, 400) << missing.body;
  auto m = field_errors(missing);
  EXPECT_EQ(m.size(), 4u) << missing.body;
  for (const char* f : {"title", "imageUrl", "startDate", "endDate"}) {
    EXPECT_EQ(m[f], "\"" + std::string(f) + "\" is required");
  }

  auto r = as_admin("POST", "/api/admin/banners",
                    json::object{{"title", ""},
                                 {"description", std::string(1001, 'd')},
                                 {"imageUrl", "ftp://example.com/a.jpg"},
                                 {"linkUrl", "javascript:alert(1)"},
                                 {"startDate", "yesterday"},
                                 {"endDate", "2025-02-30"},
                                 {"priority", 101},
                                 {"isActive", "maybe"},
                                 {"notifyUsers", 3}});
  ASSERT_EQ(r.status, 400) << r.body;
  auto f = field_errors(r);
  EXPECT_EQ(f.size(), 9u) << r.body;
  EXPECT_EQ(f["title"], "\"title\" is not allowed to be empty");
  EXPECT_EQ(f["description"], "\"description\" length must be less than or equal to 1000 characters long");
  EXPECT_EQ(f["imageUrl"], "\"imageUrl\" must be a valid uri");
  EXPECT_EQ(f["linkUrl"], "\"linkUrl\" must be a valid uri");
  EXPECT_EQ(f["startDate"], "\"startDate\" must be in ISO 8601 date format");
  EXPECT_EQ(f["endDate"], "\"endDate\" must be in ISO 8601 date format");
  EXPECT_EQ(f["priority"], "\"priority\" must be less than or equal to 100");
  EXPECT_EQ(f["isActive"], "\"isActive\" must be a boolean");
  EXPECT_EQ(f["notifyUsers"], "\"notifyUsers\" must be a boolean");

  auto window = live_banner("Backwards");
  window["endDate"] = "2020-01-01T00:00:00.000Z";
  window["priority"] = 1.5;
  auto w = field_errors(as_admin("POST", "/api/admin/banners", window));
  EXPECT_EQ(w["endDate"], "\"endDate\" must be greater than \"ref:startDate\"");
  EXPECT_EQ(w["priority"], "\"priority\" must be an integer");
  auto negative = live_banner("Negative");
  negative["priority"] = -1;
  EXPECT_EQ(field_errors(as_admin("POST", "/api/admin/banners", negative))["priority"],
            "\"priority\" must be greater than or equal to 0");
  EXPECT_EQ(qn("SELECT count(*) FROM promotional_banners"), before);
}

TEST_F(AdminBanners, UpdateShowsInThePublicBanners) {
  std::string id = create(live_banner("Before Update"));
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(str(public_banner(id).at("title")), "Before Update");
  Probes probes{{"banners", "banners"}};

  auto r = as_admin("PUT", "/api/admin/banners/" + id, json::object{{"title", "After Update"}, {"priority", 99}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json().at("message")), "Banner updated successfully");
  auto b = r.json().at("data").as_object();
  EXPECT_EQ(b.size(), 12u);
  EXPECT_EQ(str(b.at("title")), "After Update");
  EXPECT_EQ(str(b.at("description")), "Limited time.") << "fields not given are kept";

  probes.expect_invalidated();
  auto shown = public_banner(id);
  EXPECT_EQ(str(shown.at("title")), "After Update");
  EXPECT_EQ(shown.at("priority").as_int64(), 99);
  EXPECT_EQ(str(ok("/api/banners").at("data").at(0).at("id")), id) << "highest priority first";

  // The edit form sends everything back, notifyUsers included.
  auto full = live_banner("Deactivated");
  full["isActive"] = false;
  ASSERT_EQ(as_admin("PUT", "/api/admin/banners/" + id, full).status, 200);
  EXPECT_TRUE(public_banner(id).is_null());
}

TEST_F(AdminBanners, UpdateRefusesBadWindowsBodiesAndIds) {
  std::string id = create(live_banner("Window"));
  ASSERT_FALSE(id.empty());
  // Only the end moves, to before the stored start: refused, nothing changed.
  auto r = as_admin("PUT", "/api/admin/banners/" + id, json::object{{"endDate", "2019-01-01"}, {"title", "Changed"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(field_errors(r)["endDate"], "\"endDate\" must be greater than \"ref:startDate\"");
  EXPECT_EQ(q("SELECT title FROM promotional_banners WHERE id = '" + id + "'"), "Window");
  EXPECT_EQ(str(public_banner(id).at("title")), "Window");

  auto empty = as_admin("PUT", "/api/admin/banners/" + id, json::object{{"unknown", true}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(field_errors(empty)["value"], "\"value\" must have at least 1 key");
  EXPECT_EQ(field_errors(as_admin("PUT", "/api/admin/banners/" + id, json::object{{"imageUrl", "nope"}}))["imageUrl"],
            "\"imageUrl\" must be a valid uri");
  auto missing = as_admin("PUT", "/api/admin/banners/cnosuchbanner000000000000", json::object{{"title", "X"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(auth::error_message(missing), "Banner not found");
}

TEST_F(AdminBanners, DeleteRemovesItFromThePublicBanners) {
  std::string id = create(live_banner("Going Away"));
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(public_banner(id).is_object());
  Probes probes{{"banners", "banners"}};
  auto r = as_admin("DELETE", "/api/admin/banners/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"success":true,"message":"Banner deleted successfully"})"));
  probes.expect_invalidated();
  EXPECT_TRUE(public_banner(id).is_null());
  EXPECT_EQ(as_admin("GET", "/api/admin/banners/" + id).status, 404);
  EXPECT_EQ(as_admin("DELETE", "/api/admin/banners/" + id).status, 404);
}

}  // namespace
}  // namespace wh::test
