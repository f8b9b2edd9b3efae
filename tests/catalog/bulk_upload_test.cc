// POST /api/admin/products/bulk-upload through the real server on a fresh
// database of this suite: role checks, what a valid file creates (seen by
// the public reads made before and after), quoting, and every refusal
// writing nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "accounts/auth_test_support.h"
#include "security/http_policy.h"
#include "support/http_client.h"
#include "support/test_env.h"

namespace wh::test {
namespace {
namespace json = boost::json;
using auth::Headers;
using auth::str;

const std::string kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
const std::string kFormType = "multipart/form-data; boundary=" + kBoundary;
const std::string kPath = "/api/admin/products/bulk-upload";

// A browser-style form with one file field.
std::string form(const std::string& csv, const std::string& field = "file") {
  return "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + field +
         "\"; filename=\"products.csv\"\r\nContent-Type: text/csv\r\n\r\n" + csv + "\r\n--" + kBoundary + "--\r\n";
}

class BulkUpload : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<auth::AuthServer>();
    admin_ = server_->tokens(auth::kAdminEmail, auth::kAdminPassword).first;
    customer_ = server_->tokens(server_->verified_customer(), auth::kCustomerPassword).first;
  }
  static void TearDownTestSuite() { server_.reset(); }

  static HttpResult upload(const std::string& body, const std::string& bearer = admin_,
                           const std::string& content_type = kFormType) {
    Headers h{{"Content-Type", content_type}};
    if (!bearer.empty()) h.emplace_back("Authorization", "Bearer " + bearer);
    return HttpClient(server_->port()).request("POST", kPath, body, h);
  }
  static json::object get(const std::string& target) {
    auto r = HttpClient(server_->port()).get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r.json().as_object();
  }
  // The public product search's total and items.
  static json::object search(const std::string& text) {
    return get("/api/products?search=" + text).at("data").as_object();
  }

  static std::string q(const std::string& statement) { return server_->q(statement); }
  static long long qn(const std::string& statement) { return server_->qn(statement); }
  static long long products() { return qn("SELECT count(*) FROM products"); }
  static long long categories() { return qn("SELECT count(*) FROM categories"); }

  inline static std::unique_ptr<auth::AuthServer> server_;
  inline static std::string admin_, customer_;
};

bool has_field(const HttpResult& r, const std::string& field, const std::string& message_part) {
  const json::value body = r.json();
  for (const auto& f : body.at("error").at("fields").as_array()) {
    if (f.at("field") == json::value(field) && str(f.at("message")).find(message_part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST_F(BulkUpload, OnlyAdminsMayUpload) {
  const std::string csv = "name,price,category,sku\nRole Wig,10,Wigs,ROLE-1\n";
  auto anonymous = upload(form(csv), "");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  auto customer = upload(form(csv), customer_);
  EXPECT_EQ(customer.status, 403) << customer.body;
  EXPECT_EQ(auth::error_type(customer), "ForbiddenError");
  EXPECT_EQ(qn("SELECT count(*) FROM variants WHERE sku = 'ROLE-1'"), 0);
}

TEST_F(BulkUpload, ValidFileCreatesProductsVariantsAndMissingCategories) {
  // An existing category whose slug is not its name's: found by name.
  q("INSERT INTO categories (id, name, slug, updated_at) VALUES ('czephyrvelvetrange00000001', 'Velvet Range', "
    "'vr-2025', now())");
  const std::string existing_slug = q("SELECT slug FROM categories WHERE slug <> 'vr-2025' ORDER BY slug LIMIT 1");
  const std::string existing_name = q("SELECT name FROM categories WHERE slug = '" + existing_slug + "'");
  // Public reads first (they warm any cache).
  EXPECT_EQ(search("Zephyr").at("total").as_int64(), 0);
  EXPECT_EQ(get("/api/categories?search=Zephyr").at("pagination").at("total").as_int64(), 0);
  const long long products_before = products(), categories_before = categories();

  auto r =
      upload(form("Price,SKU , name,Category,stock,color,length,texture,size,description\r\n"
                  "49.5,ZEP-1,Zephyr Curl Closure,Zephyr Closures,7,Natural Black,14 inch,Kinky Curly,S,Soft\r\n"
                  "60,ZEP-2,Zephyr Straight Closure,zephyr closures,0,,,,,\r\n"
                  "75,ZEP-3,Zephyr Wig One,VELVET range,3,,,,,\r\n"
                  "80,ZEP-4,Zephyr Wig Two," +
                  existing_slug + ",4,,,,,\r\n"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json().as_object();
  EXPECT_EQ(body.at("success"), true);
  EXPECT_EQ(str(body.at("message")), "Processed 4 products, 0 failed.");
  const auto& data = body.at("data").as_object();
  EXPECT_EQ(data.at("processed").as_int64(), 4);
  EXPECT_EQ(data.at("failed").as_int64(), 0);
  EXPECT_TRUE(data.at("errors").as_array().empty());
  const auto& created = data.at("categoriesCreated").as_array();
  ASSERT_EQ(created.size(), 1u) << r.body;
  EXPECT_EQ(str(created[0].at("name")), "Zephyr Closures");
  EXPECT_EQ(str(created[0].at("slug")), "zephyr-closures");

  EXPECT_EQ(products(), products_before + 4);
  EXPECT_EQ(categories(), categories_before + 1);
  EXPECT_EQ(q("SELECT description || '|' || type || '|' || is_active FROM categories WHERE slug = 'zephyr-closures'"),
            "Auto-created from bulk upload|standard|true");

  // The public reads show the new rows.
  auto found = search("Zephyr");
  EXPECT_EQ(found.at("total").as_int64(), 4);
  bool curl = false;
  for (const auto& p : found.at("products").as_array()) {
    const auto& v = p.at("variants").as_array();
    ASSERT_EQ(v.size(), 1u);
    const std::string name = str(p.at("name"));
    const std::string category = str(p.at("category").at("name"));
    if (name == "Zephyr Curl Closure") {
      curl = true;
      EXPECT_EQ(str(p.at("basePrice")), "49.5");
      EXPECT_EQ(str(p.at("description")), "Soft");
      EXPECT_EQ(category, "Zephyr Closures");
      EXPECT_EQ(str(v[0].at("sku")), "ZEP-1");
      EXPECT_EQ(str(v[0].at("price")), "49.5");
      EXPECT_EQ(v[0].at("stock").as_int64(), 7);
      EXPECT_EQ(str(v[0].at("color")), "Natural Black");
      EXPECT_EQ(str(v[0].at("length")), "14 inch");
      EXPECT_EQ(str(v[0].at("texture")), "Kinky Curly");
      EXPECT_EQ(str(v[0].at("size")), "S");
    } else if (name == "Zephyr Straight Closure") {
      EXPECT_EQ(category, "Zephyr Closures");  // the same new category, found by slug
      EXPECT_TRUE(v[0].at("color").is_null());
      EXPECT_EQ(str(p.at("description")), "");
    } else if (name == "Zephyr Wig One") {
      EXPECT_EQ(category, "Velvet Range");  // by name, case-insensitive
    } else {
      EXPECT_EQ(category, existing_name);  // by slug
    }
  }
  EXPECT_TRUE(curl);
  EXPECT_EQ(get("/api/categories?search=Zephyr").at("pagination").at("total").as_int64(), 1);

  // One activity row per created product, by the signed-in admin.
  EXPECT_EQ(q("SELECT count(*) || '|' || count(DISTINCT a.entity_id) || '|' || min(a.changes->>'rows')"
              " || '|' || bool_and(u.role = 'admin') FROM admin_activities a JOIN users u ON u.id = a.admin_id"
              " JOIN products p ON p.id = a.entity_id"
              " WHERE a.action = 'product.bulk_upload' AND a.entity_type = 'product' AND p.name LIKE 'Zephyr%'"),
            "4|4|4|true");
}

TEST_F(BulkUpload, QuotedCommasQuotesAndLineBreaksSurvive) {
  EXPECT_EQ(search("Quillon").at("total").as_int64(), 0);
  auto r =
      upload(form("name,description,price,category,sku\n"
                  "\"Quillon Wig, \"\"Deluxe\"\" Edition\",\"Soft, silky\nand long\",120,Wigs,QUI-1\n"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto found = search("Quillon");
  ASSERT_EQ(found.at("total").as_int64(), 1);
  const auto& p = found.at("products").as_array()[0];
  EXPECT_EQ(str(p.at("name")), "Quillon Wig, \"Deluxe\" Edition");
  EXPECT_EQ(str(p.at("description")), "Soft, silky\nand long");
}

TEST_F(BulkUpload, AFileWithAnInvalidRowWritesNothing) {
  const long long products_before = products(), categories_before = categories();
  const auto activities = [] { return qn("SELECT count(*) FROM admin_activities"); };
  const long long activities_before = activities();
  auto r =
      upload(form("name,price,category,sku,stock\n"
                  "Nowrite Wig,10,Nowrite Category,NOW-1,1\n"
                  "Nowrite Bad,abc,Nowrite Category,NOW-2,-1\n"));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(auth::error_type(r), "ValidationError");
  EXPECT_EQ(auth::error_message(r), "Invalid row: 3. Nothing was imported");
  EXPECT_TRUE(has_field(r, "row 3: price", "greater than 0")) << r.body;
  EXPECT_TRUE(has_field(r, "row 3: stock", "whole number")) << r.body;
  EXPECT_EQ(products(), products_before);
  EXPECT_EQ(categories(), categories_before);
  EXPECT_EQ(search("Nowrite").at("total").as_int64(), 0);
  EXPECT_EQ(activities(), activities_before);
}

TEST_F(BulkUpload, DuplicateSkusInTheFileOrTheDatabaseAreRowErrors) {
  const long long before = products();
  auto in_file = upload(form("name,price,category,sku\nDup A,10,Dup Cat,DUP-1\nDup B,10,Dup Cat,DUP-1\n"));
  ASSERT_EQ(in_file.status, 400) << in_file.body;
  EXPECT_TRUE(has_field(in_file, "row 3: sku", "SKU \"DUP-1\" is repeated (first on row 2)")) << in_file.body;

  const std::string taken = q("SELECT sku FROM variants ORDER BY sku LIMIT 1");
  auto in_db = upload(form("name,price,category,sku\nDup C,10,Dup Cat,DUP-2\nDup D,10,Dup Cat," + taken + "\n"));
  ASSERT_EQ(in_db.status, 400) << in_db.body;
  EXPECT_EQ(auth::error_message(in_db), "Invalid row: 3. Nothing was imported");
  EXPECT_TRUE(has_field(in_db, "row 3: sku", "SKU \"" + taken + "\" already exists")) << in_db.body;
  EXPECT_EQ(products(), before);
  EXPECT_EQ(qn("SELECT count(*) FROM categories WHERE slug = 'dup-cat'"), 0);
}

TEST_F(BulkUpload, MissingRequiredHeadersAreNamed) {
  auto r = upload(form("name,category,description\nA,Wigs,x\n"));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(auth::error_message(r), "Missing required headers: price, sku");
}

TEST_F(BulkUpload, ABodyThatIsNotAMultipartFormIsRefused) {
  auto json_body = upload(R"({"file":"name,price"})", admin_, "application/json");
  EXPECT_EQ(json_body.status, 400) << json_body.body;
  EXPECT_EQ(auth::error_message(json_body), "Content-Type must be multipart/form-data");
  auto broken = upload("--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nname,price");
  EXPECT_EQ(broken.status, 400) << broken.body;
  EXPECT_EQ(auth::error_type(broken), "BadRequestError");
}

TEST_F(BulkUpload, AFormWithoutTheFileFieldIsRefused) {
  auto r = upload(form("name,price,category,sku\nA,1,W,NOFILE-1\n", "document"));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(auth::error_message(r), "No file uploaded");
  EXPECT_TRUE(has_field(r, "file", "field \"file\""));
  EXPECT_EQ(qn("SELECT count(*) FROM variants WHERE sku = 'NOFILE-1'"), 0);
}

TEST_F(BulkUpload, BodiesOverTheRoutesLimitAre413BeforeBeingRead) {
  std::string head = "POST " + kPath + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + kFormType +
                     "\r\nContent-Length: " + std::to_string(security::upload::kCsvFormBytes + 1) + "\r\n\r\n";
  std::string out = raw_exchange(server_->port(), head, 5000);
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out.substr(0, 200);
}

TEST_F(BulkUpload, AThousandRowsAreWrittenInAFewStatements) {
  std::string csv = "name,price,category,sku,stock\n";
  for (int i = 0; i < 1000; ++i) {
    csv += "Bulkrow Wig " + std::to_string(i) + ",10," + (i % 2 ? "Bulkrow Odd" : "Bulkrow Even") + ",BULK-" +
           std::to_string(i) + "," + std::to_string(i) + "\n";
  }
  auto r = upload(form(csv));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
  EXPECT_EQ(r.json().at("data").at("processed").as_int64(), 1000);
  // BEGIN, the SKU check, the categories, the products with their variants,
  // COMMIT, and at most one look-up of the admin: whatever the row count.
  EXPECT_LE(r.statements(), 6);
  EXPECT_EQ(qn("SELECT count(*) FROM variants WHERE sku LIKE 'BULK-%'"), 1000);
  EXPECT_EQ(search("Bulkrow").at("total").as_int64(), 1000);
}

}  // namespace
}  // namespace wh::test
