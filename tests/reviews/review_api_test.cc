// Product reviews (reference §1.10) through the real server: the old shapes
// and stats, only approved reviews in public, a review by cuid product id
// (the old uuid check refused them all), the Joi rules and the rate limit,
// the minReviewLength and review_auto_approve settings, trusted and blocked
// authors, verified purchases, the author's own images, helpful votes once
// per user, the admin routes, and the cached lists following a change made
// by SQL from outside the server.
#include <chrono>
#include <string>
#include <vector>

#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using namespace std::chrono_literals;
using ReviewApi = CommerceApi;
using auth::has_field_error;

// The `nth` active product that no order holds (so no purchase is verified
// by the seed's orders).
std::string product(int nth) {
  return CommerceApi::q(
      "SELECT p.id FROM products p WHERE p.is_active AND NOT EXISTS (SELECT 1 FROM variants v"
      " JOIN order_items oi ON oi.variant_id = v.id WHERE v.product_id = p.id) ORDER BY p.id OFFSET " +
      std::to_string(nth) + " LIMIT 1");
}

// A review written by SQL, as the old backend or psql would; its id.
std::string insert_review(const std::string& product_id, const std::string& user, int rating, bool approved,
                          int minutes_ago = 0, const std::string& title = "A fine wig") {
  return CommerceApi::q(
      "INSERT INTO reviews (id, product_id, user_id, rating, title, content, author_name, is_approved, created_at,"
      " updated_at) VALUES (wh_new_id(), " +
      CommerceApi::quote(product_id) + ", " + CommerceApi::quote(user) + ", " + std::to_string(rating) + ", " +
      CommerceApi::quote(title) + ", 'Soft and full, holds its curl.', 'Test Author', " +
      (approved ? "true" : "false") + ", now() AT TIME ZONE 'UTC' - interval '" + std::to_string(minutes_ago) +
      " minutes', now() AT TIME ZONE 'UTC') RETURNING id");
}

json::object review_body(const std::string& product_id, int rating = 5) {
  return {{"productId", product_id},
          {"rating", rating},
          {"title", "Gorgeous wig"},
          {"content", "Soft, full and easy to style."}};
}

HttpResult post_review(const json::value& body, const std::string& token) {
  return CommerceApi::call("POST", "/api/reviews", body, token);
}

// The public list's reviews.
json::array public_reviews(const std::string& product_id) {
  auto r = CommerceApi::call("GET", "/api/products/" + product_id + "/reviews");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? r.json().at("data").as_array() : json::array{};
}

// Sets a system setting through the admin API (which invalidates the
// settings cache before it answers).
void set_setting(const std::string& key, const std::string& value) {
  auto r = CommerceApi::call("POST", "/api/admin/settings", json::object{{"key", key}, {"value", value}},
                             CommerceApi::admin_);
  ASSERT_EQ(r.status, 200) << r.body;
}

TEST_F(ReviewApi, PublicListsShowApprovedReviewsNewestFirstWithStatsAndAreCached) {
  auto p = product(0);
  auto uid = user_id(customer_email_);
  insert_review(p, uid, 5, true, 30);
  insert_review(p, uid, 4, true, 20);
  auto newest = insert_review(p, uid, 4, true, 10);
  insert_review(p, uid, 1, false, 5);  // pending: neither listed nor counted

  auto r = call("GET", "/api/products/" + p + "/reviews");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = r.json().as_object();
  EXPECT_EQ(doc.at("success"), true);
  auto data = doc.at("data").as_array();
  ASSERT_EQ(data.size(), 3U);
  EXPECT_EQ(str(data[0].at("id")), newest);
  for (const char* k : {"id", "productId", "userId", "rating", "title", "content", "images", "authorName", "isVerified",
                        "isApproved", "helpfulCount", "createdAt", "updatedAt"}) {
    EXPECT_TRUE(data[0].as_object().contains(k)) << k;
  }
  EXPECT_EQ(doc.at("stats"),
            json::parse(R"({"total":3,"average":4.3,"distribution":{"1":0,"2":0,"3":0,"4":2,"5":1}})"));
  EXPECT_EQ(doc.at("pagination"), json::parse(R"({"page":1,"limit":10,"total":3,"pages":1})"));

  // The storefront's route, a second page.
  auto page2 = call("GET", "/api/reviews/product/" + p + "?page=2&limit=2");
  ASSERT_EQ(page2.status, 200) << page2.body;
  EXPECT_EQ(page2.json().at("data").as_array().size(), 1U);
  EXPECT_EQ(page2.json().at("pagination"), json::parse(R"({"page":2,"limit":2,"total":3,"pages":2})"));

  // Public and cached, tagged with the product's reviews (the inserts'
  // notifications may still empty the entry once).
  HttpResult again;
  EXPECT_TRUE(auth::wait_until([&] {
    again = call("GET", "/api/products/" + p + "/reviews");
    return again.header("x-cache") == "HIT";
  }));
  EXPECT_EQ(again.body, r.body);
  EXPECT_EQ(again.header("cache-control").rfind("public", 0), 0U) << again.header("cache-control");
  EXPECT_NE(again.header("cache-tag").find("reviews:" + p), std::string::npos) << again.header("cache-tag");

  EXPECT_EQ(call("GET", "/api/products/" + p + "/reviews?limit=51").status, 400);
  EXPECT_EQ(call("GET", "/api/products/" + p + "/reviews?page=0").status, 400);
  auto unknown = call("GET", "/api/products/cnosuchproduct00000000000/reviews");
  ASSERT_EQ(unknown.status, 200) << "an unknown product has no reviews, as before";
  EXPECT_EQ(unknown.json().at("data").as_array().size(), 0U);
  EXPECT_EQ(unknown.json().at("stats"),
            json::parse(R"({"total":0,"average":0,"distribution":{"1":0,"2":0,"3":0,"4":0,"5":0}})"));
}

TEST_F(ReviewApi, AReviewOfACuidProductIdIsAcceptedInTheOldShapeAndNotified) {
  auto p = product(1);
  ASSERT_GE(p.size(), 20U) << "product ids are cuids";
  auto uid = user_id(customer_email_);
  auto body = review_body(p);
  body["title"] = "  Gorgeous wig  ";
  auto r = post_review(body, customer_);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("cache-control"), "private, no-store");
  EXPECT_EQ(r.json().at("message"), "Review submitted successfully. It will be visible after admin approval.");
  auto review = r.json().at("data").as_object();
  for (const char* k : {"id", "productId", "userId", "orderId", "rating", "title", "content", "images", "authorName",
                        "isVerified", "isApproved", "helpfulCount", "createdAt", "updatedAt"}) {
    EXPECT_TRUE(review.contains(k)) << k;
  }
  EXPECT_EQ(str(review.at("productId")), p);
  EXPECT_EQ(str(review.at("userId")), uid);
  EXPECT_EQ(str(review.at("title")), "Gorgeous wig") << "trimmed";
  EXPECT_EQ(review.at("rating").as_int64(), 5);
  EXPECT_EQ(review.at("isApproved"), false);
  EXPECT_EQ(review.at("isVerified"), false);
  EXPECT_EQ(review.at("helpfulCount").as_int64(), 0);
  EXPECT_EQ(str(review.at("authorName")),
            q("SELECT first_name || ' ' || last_name FROM users WHERE id = " + quote(uid)));
  EXPECT_TRUE(public_reviews(p).empty()) << "pending reviews are not public";

  EXPECT_EQ(qn("SELECT count(*) FROM notifications WHERE user_id = " + quote(uid) +
               " AND type = 'review' AND link = '/products/" + p + "'"),
            1);
  const std::string to_admins =
      "SELECT count(*) FROM notifications n JOIN users a ON a.id = n.user_id WHERE n.type = 'admin_new_review'"
      " AND n.message = (SELECT name || ' - 5★' FROM products WHERE id = " +
      quote(p) + ") AND a.role IN ('admin', 'super_admin')";
  EXPECT_EQ(qn(to_admins), qn("SELECT count(*) FROM users WHERE role IN ('admin', 'super_admin') AND is_active"));
  EXPECT_GT(qn(to_admins), 0);
}

TEST_F(ReviewApi, BadReviewsGetEveryFieldErrorAndFiveAnHourAreAllowed) {
  auto p = product(2);
  EXPECT_EQ(post_review(review_body(p), "").status, 401);

  auto empty = post_review(json::object{}, customer_);
  ASSERT_EQ(empty.status, 400) << empty.body;
  for (const char* f : {"productId", "rating", "title", "content"}) {
    EXPECT_TRUE(has_field_error(empty, f, "\"" + std::string(f) + "\" is required")) << f << ": " << empty.body;
  }
  auto bad = post_review(json::object{{"productId", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"},
                                      {"rating", 6},
                                      {"title", "ab"},
                                      {"content", "too short"},
                                      {"images", json::array{"not a url"}}},
                         customer_);
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_TRUE(has_field_error(bad, "productId", "\"productId\" must be a valid product id")) << bad.body;
  EXPECT_TRUE(has_field_error(bad, "rating", "\"rating\" must be less than or equal to 5")) << bad.body;
  EXPECT_TRUE(has_field_error(bad, "title", "\"title\" length must be at least 3 characters long")) << bad.body;
  EXPECT_TRUE(has_field_error(bad, "content", "\"content\" length must be at least 10 characters long")) << bad.body;
  EXPECT_TRUE(has_field_error(bad, "images[0]", "\"images[0]\" must be a valid uri")) << bad.body;
  auto many = review_body(p);
  json::array six;
  for (int i = 0; i < 6; ++i) six.emplace_back("https://ik.imagekit.io/wighaven/" + std::to_string(i) + ".jpg");
  many["images"] = six;
  auto too_many = post_review(many, customer_);
  EXPECT_TRUE(has_field_error(too_many, "images", "\"images\" must contain less than or equal to 5 items"))
      << too_many.body;
  EXPECT_EQ(post_review(review_body("cnosuchproduct00000000000"), customer_).status, 404);
  EXPECT_EQ(qn("SELECT count(*) FROM reviews"), 0);

  // reviewRateLimit: 5 an hour per user, whatever their outcome.
  EXPECT_EQ(post_review(review_body(p), customer_).status, 201);
  auto sixth = post_review(review_body(p), customer_);
  EXPECT_EQ(sixth.status, 429) << sixth.body;
  EXPECT_EQ(auth::error_message(sixth), "Too many reviews. Please try again later.");
  EXPECT_FALSE(sixth.header("retry-after").empty());
  EXPECT_EQ(post_review(review_body(p), other_).status, 201) << "per user";
}

TEST_F(ReviewApi, TheMinReviewLengthSettingReplacesTheContentMinimum) {
  auto p = product(3);
  const std::string original = q("SELECT value FROM system_settings WHERE key = 'minReviewLength'");
  set_setting("minReviewLength", "30");
  auto body = review_body(p);
  body["content"] = "Twenty characters!!!";
  auto refused = post_review(body, customer_);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_TRUE(has_field_error(refused, "content", "\"content\" length must be at least 30 characters long"))
      << refused.body;
  set_setting("minReviewLength", "5");
  body["content"] = "Lovely";
  EXPECT_EQ(post_review(body, customer_).status, 201) << "below the default 10 when the setting says 5";
  set_setting("minReviewLength", original.empty() ? "10" : original);
}

TEST_F(ReviewApi, APurchaseIsVerifiedByADeliveredOrderOfTheProduct) {
  auto p1 = product(4), p2 = product(5);
  auto uid = user_id(customer_email_);
  auto v1 = q("SELECT id FROM variants WHERE product_id = " + quote(p1) + " ORDER BY id LIMIT 1");
  auto v2 = q("SELECT id FROM variants WHERE product_id = " + quote(p2) + " ORDER BY id LIMIT 1");
  const std::string order = "corderreviewtest000000001";
  q("INSERT INTO orders (id, user_id, order_number, status, payment_status, subtotal, shipping, tax, total,"
    " customer_email, customer_phone, shipping_address, updated_at) VALUES (" +
    quote(order) + ", " + quote(uid) + ", 'ORD-REVIEW-1', 'shipped', 'paid', 20, 0, 0, 20, " + quote(customer_email_) +
    ", '0240000000', '{}', now())");
  for (const auto& [item, v] : {std::pair{std::string("coi1"), v1}, std::pair{std::string("coi2"), v2}}) {
    q("INSERT INTO order_items (id, order_id, variant_id, product_name, variant_sku, quantity, unit_price, subtotal)"
      " SELECT " +
      quote(item) + ", " + quote(order) + ", v.id, 'Wig', v.sku, 1, 10, 10 FROM variants v WHERE v.id = " + quote(v));
  }
  auto shipped = post_review(review_body(p1), customer_);
  ASSERT_EQ(shipped.status, 201) << shipped.body;
  EXPECT_EQ(shipped.json().at("data").at("isVerified"), false) << "shipped is not delivered";
  EXPECT_TRUE(shipped.json().at("data").at("orderId").is_null());

  q("UPDATE orders SET status = 'delivered' WHERE id = " + quote(order));
  auto delivered = post_review(review_body(p2), customer_);
  ASSERT_EQ(delivered.status, 201) << delivered.body;
  EXPECT_EQ(delivered.json().at("data").at("isVerified"), true);
  EXPECT_EQ(str(delivered.json().at("data").at("orderId")), order);
  EXPECT_EQ(post_review(review_body(p1), other_).json().at("data").at("isVerified"), false) << "another user's order";
}

TEST_F(ReviewApi, TrustedAuthorsAndTheAutoApproveSettingPublishAtOnce) {
  auto p = product(6);
  EXPECT_TRUE(public_reviews(p).empty());  // now cached
  auto trust = call("POST", "/api/reviews/admin/user-status",
                    json::object{{"userId", user_id(customer_email_)}, {"status", "trusted"}}, admin_);
  ASSERT_EQ(trust.status, 200) << trust.body;
  auto trusted = post_review(review_body(p), customer_);
  ASSERT_EQ(trusted.status, 201) << trusted.body;
  EXPECT_EQ(trusted.json().at("data").at("isApproved"), true);
  EXPECT_EQ(public_reviews(p).size(), 1U) << "the cached list was invalidated before the answer";

  const std::string original = q("SELECT value FROM system_settings WHERE key = 'review_auto_approve'");
  set_setting("review_auto_approve", "true");
  auto automatic = post_review(review_body(p, 3), other_);
  ASSERT_EQ(automatic.status, 201) << automatic.body;
  EXPECT_EQ(automatic.json().at("data").at("isApproved"), true);
  set_setting("review_auto_approve", "false");
  auto moderated = post_review(review_body(p, 2), other_);
  ASSERT_EQ(moderated.status, 201) << moderated.body;
  EXPECT_EQ(moderated.json().at("data").at("isApproved"), false);
  EXPECT_EQ(public_reviews(p).size(), 2U);
  set_setting("review_auto_approve", original.empty() ? "false" : original);
}

TEST_F(ReviewApi, ImagesMustBeTheAuthorsOwnActiveMedia) {
  auto p = product(7);
  auto uid = user_id(customer_email_), other = user_id(server_->verified_customer(1));
  const std::string base = "https://ik.imagekit.io/wighaven/reviews/";
  auto media = [&](const std::string& id, const std::string& url, const std::string& owner, const std::string& status) {
    q("INSERT INTO media (id, \"fileId\", \"fileName\", \"filePath\", url, type, mime_type, size, uploaded_by, status,"
      " updated_at) VALUES (" +
      quote(id) + ", " + quote("file-" + id) + ", 'a.jpg', '/reviews/a.jpg', " + quote(url) +
      ", 'review',"
      " 'image/jpeg', 100, " +
      quote(owner) + ", " + quote(status) + ", now())");
  };
  media("cmediaown0000000000000001", base + "own.jpg", uid, "active");
  media("cmediaother00000000000001", base + "other.jpg", other, "active");
  media("cmediatrash00000000000001", base + "trashed.jpg", uid, "trashed");

  auto body = review_body(p);
  body["images"] = json::array{base + "own.jpg?tr=w-400"};
  auto ok = post_review(body, customer_);
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json().at("data").at("images"), json::array{base + "own.jpg?tr=w-400"});
  EXPECT_EQ(q("SELECT used_by || ' ' || usage_type FROM media WHERE id = 'cmediaown0000000000000001'"),
            str(ok.json().at("data").at("id")) + " review_image");

  for (const std::string& url : {base + "other.jpg", base + "trashed.jpg"}) {
    body["images"] = json::array{url};
    auto refused = post_review(body, customer_);
    EXPECT_EQ(refused.status, 400) << url << ": " << refused.body;
    EXPECT_TRUE(has_field_error(refused, "images", "You can only attach images that you have uploaded")) << url;
  }
  EXPECT_EQ(qn("SELECT count(*) FROM reviews WHERE user_id = " + quote(uid)), 1);
}

TEST_F(ReviewApi, AdminsSetReviewStatusAndBlockedAuthorsAreRefused) {
  auto p = product(8);
  auto uid = user_id(customer_email_);
  auto bad = call("POST", "/api/reviews/admin/user-status",
                  json::object{{"userId", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}, {"status", "vip"}}, admin_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(has_field_error(bad, "userId", "\"userId\" must be a valid id")) << bad.body;
  EXPECT_TRUE(has_field_error(bad, "status", "\"status\" must be one of [standard, trusted, blocked]")) << bad.body;
  EXPECT_EQ(call("POST", "/api/reviews/admin/user-status",
                 json::object{{"userId", "cnosuchuser00000000000000"}, {"status", "blocked"}}, admin_)
                .status,
            404);

  auto blocked =
      call("POST", "/api/reviews/admin/user-status", json::object{{"userId", uid}, {"status", "blocked"}}, admin_);
  ASSERT_EQ(blocked.status, 200) << blocked.body;
  EXPECT_EQ(blocked.json().at("data").at("reviewStatus"), "blocked");
  EXPECT_FALSE(blocked.json().at("data").as_object().contains("password"));
  EXPECT_EQ(blocked.json().at("message"), "User review status updated to blocked");
  EXPECT_EQ(q("SELECT review_status FROM users WHERE id = " + quote(uid)), "blocked");
  auto refused = post_review(review_body(p), customer_);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(qn("SELECT count(*) FROM reviews"), 0);

  ASSERT_EQ(
      call("POST", "/api/reviews/admin/user-status", json::object{{"userId", uid}, {"status", "standard"}}, admin_)
          .status,
      200);
  EXPECT_EQ(post_review(review_body(p), customer_).status, 201);
}

TEST_F(ReviewApi, HelpfulVotesCountOncePerUser) {
  auto p = product(9);
  auto review = insert_review(p, user_id(customer_email_), 5, true);
  auto pending = insert_review(p, user_id(customer_email_), 2, false);
  ASSERT_EQ(public_reviews(p).size(), 1U);  // now cached
  const std::string path = "/api/reviews/" + review + "/helpful";
  EXPECT_EQ(call("POST", path).status, 401);

  auto first = call("POST", path, nullptr, customer_);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json(), json::parse(R"({"success":true,"data":{"helpfulCount":1,"action":"added"},)"
                                      R"("message":"Marked as helpful"})"));
  EXPECT_EQ(call("POST", path, nullptr, other_).json().at("data").at("helpfulCount").as_int64(), 2);
  auto repeat = call("POST", path, nullptr, customer_);
  EXPECT_EQ(repeat.status, 409) << repeat.body;
  EXPECT_EQ(qn("SELECT helpful_count FROM reviews WHERE id = " + quote(review)), 2);
  EXPECT_EQ(qn("SELECT count(*) FROM review_votes WHERE review_id = " + quote(review)), 2);
  auto listed = public_reviews(p);
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0].at("helpfulCount").as_int64(), 2) << "the vote invalidated the cached list";

  EXPECT_EQ(call("POST", "/api/reviews/" + pending + "/helpful", nullptr, customer_).status, 404)
      << "pending reviews are not public";
  EXPECT_EQ(call("POST", "/api/reviews/cnosuchreview000000000000/helpful", nullptr, customer_).status, 404);
}

TEST_F(ReviewApi, AdminRoutesAreForAdminsOnly) {
  const std::vector<std::pair<std::string, std::string>> routes{
      {"GET", "/api/reviews/admin/all"},
      {"PATCH", "/api/reviews/cnosuchreview000000000000"},
      {"PATCH", "/api/reviews/cnosuchreview000000000000/approve"},
      {"PATCH", "/api/reviews/cnosuchreview000000000000/reject"},
      {"DELETE", "/api/reviews/cnosuchreview000000000000"},
      {"POST", "/api/reviews/admin/bulk-update"},
      {"POST", "/api/reviews/admin/user-status"}};
  for (const auto& [method, path] : routes) {
    json::value body = method == "GET" || method == "DELETE" ? json::value(nullptr) : json::value(json::object{});
    EXPECT_EQ(call(method, path, body).status, 401) << method << " " << path;
    EXPECT_EQ(call(method, path, body, customer_).status, 403) << method << " " << path;
    auto admin = call(method, path, body, admin_);
    EXPECT_NE(admin.status, 403) << method << " " << path;
    EXPECT_EQ(admin.header("cache-control"), "private, no-store") << method << " " << path;
  }
}

TEST_F(ReviewApi, TheAdminListFiltersSearchesAndShowsProductAndAuthor) {
  auto p = product(10), other_product = product(11);
  auto uid = user_id(customer_email_);
  insert_review(p, uid, 5, true, 30, "Silky closure");
  insert_review(p, uid, 4, true, 20);
  auto pending = insert_review(p, uid, 2, false, 10);
  insert_review(other_product, uid, 3, false, 5);

  auto all = call("GET", "/api/reviews/admin/all?productId=" + p, nullptr, admin_);
  ASSERT_EQ(all.status, 200) << all.body;
  auto items = all.json().at("data").as_array();
  ASSERT_EQ(items.size(), 3U);
  EXPECT_EQ(str(items[0].at("id")), pending);
  EXPECT_EQ(items[0].at("status"), "pending");
  EXPECT_EQ(items[1].at("status"), "approved");
  EXPECT_EQ(str(items[0].at("product").at("name")), q("SELECT name FROM products WHERE id = " + quote(p)));
  EXPECT_EQ(str(items[0].at("user").at("email")), customer_email_);
  EXPECT_EQ(items[0].at("user").at("reviewStatus"), "standard");
  EXPECT_EQ(all.json().at("pagination"), json::parse(R"({"page":1,"limit":20,"total":3,"pages":1})"));

  auto count = [&](const std::string& query) {
    auto r = call("GET", "/api/reviews/admin/all?" + query, nullptr, admin_);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    return r.status == 200 ? r.json().at("pagination").at("total").as_int64() : -1;
  };
  EXPECT_EQ(count("status=pending&productId=" + p), 1);
  EXPECT_EQ(count("status=rejected&productId=" + p), 1) << "rejected is not approved";
  EXPECT_EQ(count("status=approved&productId=" + p), 2);
  EXPECT_EQ(count("status=pending"), 2);
  EXPECT_EQ(count("search=SILKY"), 1);
  EXPECT_EQ(count("search=test%20author"), 4) << "the author name is searched";
  auto paged = call("GET", "/api/reviews/admin/all?limit=1&page=2&productId=" + p, nullptr, admin_);
  EXPECT_EQ(paged.json().at("data").as_array().size(), 1U);
  EXPECT_EQ(paged.json().at("pagination"), json::parse(R"({"page":2,"limit":1,"total":3,"pages":3})"));
  EXPECT_EQ(call("GET", "/api/reviews/admin/all?status=hidden", nullptr, admin_).status, 400);
}

TEST_F(ReviewApi, AdminsEditApproveWithOneEmailRejectAndDelete) {
  auto p = product(12);
  auto review = insert_review(p, user_id(customer_email_), 4, false);
  const std::string path = "/api/reviews/" + review;

  auto edited = call("PATCH", path, json::object{{"title", "  Edited title "}, {"rating", 2}}, admin_);
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.json().at("data").at("title"), "Edited title");
  EXPECT_EQ(edited.json().at("data").at("rating").as_int64(), 2);
  auto bad = call("PATCH", path, json::object{{"title", "ab"}, {"rating", 9}, {"isApproved", "maybe"}}, admin_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(has_field_error(bad, "rating", "\"rating\" must be less than or equal to 5")) << bad.body;
  EXPECT_TRUE(has_field_error(bad, "isApproved", "\"isApproved\" must be a boolean")) << bad.body;
  EXPECT_EQ(call("PATCH", "/api/reviews/cnosuchreview000000000000", json::object{{"rating", 3}}, admin_).status, 404);

  const std::string mails =
      "SELECT count(*) FROM email_logs WHERE type = 'review_approved' AND to_email = " + quote(customer_email_);
  EXPECT_TRUE(public_reviews(p).empty());  // now cached
  auto approved = call("PATCH", path + "/approve", nullptr, admin_);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json().at("data").at("isApproved"), true);
  EXPECT_EQ(approved.json().at("data").at("status"), "approved");
  EXPECT_EQ(qn(mails), 1);
  auto vars = json::parse(q("SELECT template_data::text FROM email_logs WHERE type = 'review_approved'")).as_object();
  EXPECT_EQ(vars.at("template"), "reviewApproved");
  EXPECT_EQ(str(vars.at("variables").at("review_title")), "Edited title");
  EXPECT_EQ(str(vars.at("variables").at("product_name")), q("SELECT name FROM products WHERE id = " + quote(p)));
  EXPECT_EQ(str(vars.at("variables").at("product_link")), server_->config.frontend_url + "/products/" + p);
  EXPECT_EQ(str(vars.at("variables").at("name")),
            q("SELECT first_name FROM users WHERE email = " + quote(customer_email_)));
  EXPECT_EQ(public_reviews(p).size(), 1U);
  EXPECT_EQ(call("PATCH", path + "/approve", nullptr, admin_).status, 200);
  EXPECT_EQ(qn(mails), 1) << "approving an approved review sends nothing";

  auto rejected = call("PATCH", path + "/reject", nullptr, admin_);
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.json().at("data").at("isApproved"), false);
  EXPECT_EQ(qn(mails), 1) << "no e-mail on reject";
  EXPECT_TRUE(public_reviews(p).empty());

  auto deleted = call("DELETE", path, nullptr, admin_);
  EXPECT_EQ(deleted.json(), json::parse(R"({"success":true,"message":"Review deleted successfully"})"));
  EXPECT_EQ(call("DELETE", path, nullptr, admin_).status, 404);
  EXPECT_EQ(call("PATCH", path + "/approve", nullptr, admin_).status, 404);
}

TEST_F(ReviewApi, BulkUpdatesTakeCuidsInOneStatementEach) {
  auto p = product(13);
  auto uid = user_id(customer_email_);
  json::array ids{json::string(insert_review(p, uid, 5, false)), json::string(insert_review(p, uid, 4, false)),
                  json::string(insert_review(p, uid, 3, false))};
  auto bulk = [&](const json::value& ids_value, const std::string& action) {
    return call("POST", "/api/reviews/admin/bulk-update", json::object{{"ids", ids_value}, {"action", action}}, admin_);
  };
  EXPECT_TRUE(has_field_error(bulk(json::array{}, "approve"), "ids", "\"ids\" must contain at least 1 items"));
  json::array too_many;
  for (int i = 0; i < 101; ++i) too_many.emplace_back("creview" + std::to_string(100000000000000000 + i));
  EXPECT_TRUE(
      has_field_error(bulk(too_many, "approve"), "ids", "\"ids\" must contain less than or equal to 100 items"));
  EXPECT_TRUE(has_field_error(bulk(json::array{"3f2504e0-4f89-11d3-9a0c-0305e82c3301"}, "approve"), "ids[0]",
                              "\"ids[0]\" must be a valid id"));
  EXPECT_TRUE(has_field_error(bulk(ids, "publish"), "action", "\"action\" must be one of [approve, reject, delete]"));

  auto approved = bulk(ids, "approve");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json().at("data"), json::parse(R"({"count":3,"action":"approved"})"));
  EXPECT_EQ(approved.json().at("message"), "Successfully approved 3 reviews");
  EXPECT_EQ(public_reviews(p).size(), 3U);
  auto rejected = bulk(json::array{ids[0], ids[1], json::string("cnosuchreview000000000000")}, "reject");
  EXPECT_EQ(rejected.json().at("data"), json::parse(R"({"count":2,"action":"rejected"})"));
  EXPECT_EQ(public_reviews(p).size(), 1U);
  EXPECT_EQ(bulk(ids, "delete").json().at("data"), json::parse(R"({"count":3,"action":"deleted"})"));
  EXPECT_EQ(qn("SELECT count(*) FROM reviews WHERE product_id = " + quote(p)), 0);
}

TEST_F(ReviewApi, AnApprovalMadeOutsideTheServerReachesTheCachedListWithinTwoSeconds) {
  auto p = product(14);
  auto uid = user_id(customer_email_);
  insert_review(p, uid, 5, true, 10);
  auto pending = insert_review(p, uid, 3, false, 5);
  const std::string target = "/api/reviews/product/" + p + "?page=1";
  ASSERT_TRUE(auth::wait_until([&] {
    auto r = call("GET", target);
    return r.status == 200 && r.json().at("data").as_array().size() == 1 && r.header("x-cache") == "HIT";
  })) << "cached";

  // As the old backend or psql would: another client's UPDATE.
  q("UPDATE reviews SET is_approved = true WHERE id = " + quote(pending));
  EXPECT_TRUE(auth::wait_until([&] {
    auto r = call("GET", target);
    return r.status == 200 && r.json().at("stats").at("total").as_int64() == 2;
  })) << "the trigger's notification invalidated the list";
  auto now = call("GET", target).json();
  EXPECT_EQ(str(now.at("data").at(0).at("id")), pending) << "newest first";
  EXPECT_EQ(num(now.at("stats").at("average")), 4.0);
}

}  // namespace
}  // namespace wh::test
