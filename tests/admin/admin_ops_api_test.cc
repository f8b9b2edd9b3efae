// The operational admin dashboard routes (admin/admin_ops.h, admin_search.h,
// admin_export.h): admins only, the old shapes, the search in one statement
// with %/_ taken literally and its limit capped, the CSV export streamed in
// keyset batches with escaped cells (formula injection included), the
// activity feed paginated newest first, the e-mail, cart and health figures
// read from the database.
#include <algorithm>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "admin/admin_export.h"
#include "admin/admin_ops.h"
#include "admin/admin_search.h"

#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using AdminOpsApi = CommerceApi;

const std::string kBase = "/api/admin/dashboard";
constexpr const char* kNow = "(now() AT TIME ZONE 'UTC')";
const std::string kCedi = "\u20B5";  // the old search's currency sign

HttpResult get(const std::string& path, const std::string& token) {
  return CommerceApi::call("GET", kBase + path, nullptr, token);
}

// RFC 4180: rows of cells.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      cell += c;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quoted cell";
  EXPECT_TRUE(row.empty() && cell.empty()) << "last line without a newline";
  return rows;
}

std::vector<std::string> titles(const json::value& list) {
  std::vector<std::string> out;
  for (const auto& x : list.as_array()) out.push_back(str(x.at("title")));
  return out;
}

void insert_product(const std::string& id, const std::string& name) {
  CommerceApi::q("INSERT INTO products (id, name, description, base_price, category_id, updated_at) VALUES (" +
                 CommerceApi::quote(id) + ", " + CommerceApi::quote(name) +
                 ", 'A test wig', 450, (SELECT id FROM categories ORDER BY id LIMIT 1), now())");
}

void insert_order(const std::string& id, const std::string& number, const std::string& email,
                  const std::string& user_sql = "NULL") {
  CommerceApi::q(
      "INSERT INTO orders (id, user_id, order_number, status, payment_status, subtotal, shipping, tax, discount, total,"
      " customer_email, customer_phone, shipping_address, created_at, updated_at) VALUES (" +
      CommerceApi::quote(id) + ", " + user_sql + ", " + CommerceApi::quote(number) +
      ", 'pending', 'paid', 10, 2, 0, 0, 12, " + CommerceApi::quote(email) + ", '0241234567', '{}', " + kNow +
      ", now())");
}

TEST(CsvCell, EscapesQuotesSeparatorsAndFormulas) {
  EXPECT_EQ(admin::csv_cell("plain"), "plain");
  EXPECT_EQ(admin::csv_cell(""), "");
  EXPECT_EQ(admin::csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(admin::csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(admin::csv_cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(admin::csv_cell("=1+1"), "'=1+1");
  EXPECT_EQ(admin::csv_cell("+233"), "'+233");
  EXPECT_EQ(admin::csv_cell("-2"), "'-2");
  EXPECT_EQ(admin::csv_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(admin::csv_cell("=HYPERLINK(\"x\"),y"), "\"'=HYPERLINK(\"\"x\"\"),y\"");
  EXPECT_EQ(admin::csv_cell("12.00"), "12.00");
}

TEST_F(AdminOpsApi, AdminsOnlyAndNeverStoredByCaches) {
  for (const char* path : {"/search?q=wig", "/email-stats", "/cart-abandonment", "/system-health", "/admin-activity",
                           "/export?type=orders"}) {
    EXPECT_EQ(get(path, "").status, 401) << path;
    EXPECT_EQ(get(path, customer_).status, 403) << path;
    auto r = get(path, admin_);
    EXPECT_EQ(r.status, 200) << path << " " << r.body;
    EXPECT_EQ(r.header("cache-control"), "private, no-store") << path;
  }
}

TEST_F(AdminOpsApi, SearchFindsProductsOrdersAndUsersInTheOldShapeInOneStatement) {
  insert_product("czqxproduct000000001", "Zqx Velvet Wig");
  q("INSERT INTO users (id, email, password, first_name, last_name, role, updated_at) VALUES"
    " ('czqxuser000000000001', 'zqxperson@example.com', 'x', 'Efua', 'Zqxson', 'customer', now())");
  insert_order("czqxorder00000000001", "ORD-ZQX-0001", "buyer.zqx@example.com", "'czqxuser000000000001'");

  auto r = get("/search?q=%20ZQX%20", admin_);
  auto d = data(r).as_object();
  EXPECT_EQ(str(d.at("query")), "zqx");
  EXPECT_EQ(d.at("limit").as_int64(), admin::kSearchDefaultLimit);
  const auto& results = d.at("results").as_object();
  std::int64_t total = 0;
  for (const char* k : {"products", "orders", "users", "reviews", "categories", "discounts", "banners", "support"}) {
    ASSERT_TRUE(results.contains(k)) << k;
    total += static_cast<std::int64_t>(results.at(k).as_array().size());
  }
  EXPECT_EQ(d.at("total").as_int64(), total);

  ASSERT_EQ(results.at("products").as_array().size(), 1U) << r.body;
  auto p = results.at("products").as_array()[0].as_object();
  EXPECT_EQ(str(p.at("id")), "czqxproduct000000001");
  EXPECT_EQ(str(p.at("type")), "product");
  EXPECT_EQ(str(p.at("title")), "Zqx Velvet Wig");
  EXPECT_EQ(str(p.at("subtitle")), q("SELECT name FROM categories ORDER BY id LIMIT 1"));
  EXPECT_EQ(str(p.at("meta")), kCedi + "450.00");
  EXPECT_TRUE(p.at("image").is_null());
  EXPECT_EQ(str(p.at("status")), "active");
  EXPECT_EQ(str(p.at("url")), "/admin/products/czqxproduct000000001/edit");

  // An order by its number and by its e-mail.
  for (const char* term : {"ord-zqx-0001", "buyer.zqx@"}) {
    auto o = data(get(std::string("/search?q=") + term, admin_)).at("results").at("orders").as_array();
    ASSERT_EQ(o.size(), 1U) << term;
    EXPECT_EQ(str(o[0].at("title")), "ORD-ZQX-0001");
    EXPECT_EQ(str(o[0].at("subtitle")), "buyer.zqx@example.com");
    EXPECT_EQ(str(o[0].at("meta")), kCedi + "12.00");
    EXPECT_EQ(str(o[0].at("status")), "pending");
    EXPECT_EQ(str(o[0].at("paymentStatus")), "paid");
    EXPECT_EQ(str(o[0].at("url")), "/admin/orders/ORD-ZQX-0001");
  }

  // A user by e-mail and by full name.
  for (const char* term : {"zqxperson@example.com", "efua%20zqxson"}) {
    auto u = data(get(std::string("/search?q=") + term, admin_)).at("results").at("users").as_array();
    ASSERT_EQ(u.size(), 1U) << term;
    EXPECT_EQ(str(u[0].at("title")), "Efua Zqxson");
    EXPECT_EQ(str(u[0].at("subtitle")), "zqxperson@example.com");
    EXPECT_EQ(str(u[0].at("meta")), "1 orders");
    EXPECT_EQ(str(u[0].at("role")), "customer");
    EXPECT_EQ(str(u[0].at("url")), "/admin/users/czqxuser000000000001");
  }
  EXPECT_EQ(get("/search?q=zqx", admin_).statements(), 1);

  // The super admin's account is not found by a plain admin.
  EXPECT_TRUE(data(get("/search?q=" + boost::urls::encode(auth::kSuperEmail, boost::urls::unreserved_chars), admin_))
                  .at("results")
                  .at("users")
                  .as_array()
                  .empty());
}

TEST_F(AdminOpsApi, SearchTakesWildcardsLiterallyCapsTheLimitAndRefusesShortTerms) {
  insert_product("czqyproduct000000001", "Zqy 100% Lace");
  insert_product("czqyproduct000000002", "Zqy 1000 Lace");
  insert_product("czqyproduct000000003", "Zqy_a");
  insert_product("czqyproduct000000004", "Zqyba");
  auto products = [](const std::string& term, const std::string& extra = "") {
    return data(get("/search?q=" + boost::urls::encode(term, boost::urls::unreserved_chars) + extra,
                    CommerceApi::admin_))
        .at("results")
        .at("products");
  };
  EXPECT_EQ(titles(products("zqy 100%")), std::vector<std::string>{"Zqy 100% Lace"});
  EXPECT_EQ(titles(products("zqy_")), std::vector<std::string>{"Zqy_a"});
  EXPECT_EQ(titles(products("zqy\\")), std::vector<std::string>{});

  q("INSERT INTO products (id, name, description, base_price, category_id, updated_at)"
    " SELECT 'czqwproduct' || lpad(i::text, 9, '0'), 'Zqw ' || i, 'd', 10,"
    " (SELECT id FROM categories ORDER BY id LIMIT 1), now() FROM generate_series(1, 25) i");
  EXPECT_EQ(products("zqw").as_array().size(), static_cast<std::size_t>(admin::kSearchDefaultLimit));
  auto capped = data(get("/search?q=zqw&limit=50", admin_));
  EXPECT_EQ(capped.at("limit").as_int64(), admin::kSearchMaxLimit);
  EXPECT_EQ(capped.at("results").at("products").as_array().size(), static_cast<std::size_t>(admin::kSearchMaxLimit));
  EXPECT_EQ(products("zqw", "&limit=7").as_array().size(), 7U);

  for (const char* bad : {"/search", "/search?q=a", "/search?q=%20%20a%20", "/search?q="}) {
    auto r = get(bad, admin_);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(auth::error_message(r), "Search query must be at least 2 characters") << bad;
  }
  EXPECT_EQ(get("/search?q=zqw&limit=abc", admin_).status, 400);
  EXPECT_EQ(get("/search?q=zqw&limit=0", admin_).status, 400);
  EXPECT_EQ(get("/search?q=" + std::string(admin::kSearchMaxQuery + 1, 'z'), admin_).status, 400);
}

TEST_F(AdminOpsApi, ProductExportEscapesCellsAndHasEveryProduct) {
  const std::string evil = "=SUM(A1), \"big\"\nwig";
  insert_product("czqeproduct000000001", evil);
  q("INSERT INTO variants (id, product_id, sku, price, stock, updated_at) VALUES"
    " ('czqevariant000000001', 'czqeproduct000000001', 'ZQE-1', 10, 3, now()),"
    " ('czqevariant000000002', 'czqeproduct000000001', 'ZQE-2', 10, 4, now())");
  auto r = get("/export?type=products", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type").rfind("text/csv", 0), 0U);
  EXPECT_EQ(r.header("content-disposition"), "attachment; filename=products_report_" +
                                                 q("SELECT to_char(" + std::string(kNow) + ", 'YYYY-MM-DD')") + ".csv");
  EXPECT_NE(r.body.find("\"'=SUM(A1), \"\"big\"\"\nwig\","), std::string::npos) << "escaped and defused";

  auto rows = parse_csv(r.body);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Name", "Category", "Base Price", "Total Stock", "Status"}));
  EXPECT_EQ(static_cast<long long>(rows.size()) - 1, qn("SELECT count(*) FROM products"));
  bool found = false;
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 5U);
    if (row[0] != "'" + evil) continue;
    found = true;
    EXPECT_EQ(row[2], "450.00");
    EXPECT_EQ(row[3], "7");
    EXPECT_EQ(row[4], "Active");
  }
  EXPECT_TRUE(found);

  for (const char* bad : {"/export", "/export?type=invoices", "/export?type=orders&type=products"}) {
    auto e = get(bad, admin_);
    EXPECT_EQ(e.status, 400) << bad;
    EXPECT_EQ(auth::error_message(e), "Invalid report type. Use: orders, products, customers") << bad;
  }
  EXPECT_EQ(get("/export?type=orders&range=abc", admin_).status, 400);
  EXPECT_EQ(get("/export?type=orders&range=0", admin_).status, 400);
}

TEST_F(AdminOpsApi, CustomerAndOrderExportsReadEveryBatchInIdOrder) {
  const int n = admin::kReportBatch + 2;
  q("INSERT INTO users (id, email, password, first_name, last_name, role, created_at, updated_at)"
    " SELECT 'czqcust' || lpad(i::text, 13, '0'), 'zqcust' || i || '@example.com', 'x', 'Cust', 'No' || i,"
    " 'customer', " +
    std::string(kNow) + ", now() FROM generate_series(1, " + std::to_string(n) + ") i");
  auto r = get("/export?type=customers&range=3650", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");
  auto rows = parse_csv(r.body);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Name", "Email", "Orders", "Joined"}));
  std::string emails;
  for (std::size_t i = 1; i < rows.size(); ++i) emails += (i > 1 ? "," : "") + rows[i].at(1);
  EXPECT_EQ(emails,
            q("SELECT string_agg(email, ',' ORDER BY id) FROM users WHERE role = 'customer' AND created_at >= " +
              std::string(kNow) + " - interval '3650 days'"))
      << "rows missing, repeated or out of id order";
  EXPECT_GT(static_cast<int>(rows.size()), n);

  insert_order("czqorder000000000001", "ORD-ZQ-EXP-1", "guest.zq@example.com");
  insert_order("czqorder000000000002", "ORD-ZQ-EXP-2", "ignored@example.com", "'czqcust0000000000001'");
  auto orders = parse_csv(get("/export?type=orders&range=30", admin_).body);
  ASSERT_FALSE(orders.empty());
  EXPECT_EQ(orders[0], (std::vector<std::string>{"Order Number", "Date", "Customer Name", "Customer Email", "Status",
                                                 "Payment Status", "Total", "Items Count"}));
  EXPECT_EQ(static_cast<long long>(orders.size()) - 1,
            qn("SELECT count(*) FROM orders WHERE created_at >= " + std::string(kNow) + " - interval '30 days'"));
  int seen = 0;
  for (const auto& row : orders) {
    if (row[0] == "ORD-ZQ-EXP-1") {
      ++seen;
      EXPECT_EQ(row[2], "Guest");
      EXPECT_EQ(row[3], "guest.zq@example.com");
      EXPECT_EQ(row[6], "12.00");
      EXPECT_EQ(row[7], "0");
    } else if (row[0] == "ORD-ZQ-EXP-2") {
      ++seen;
      EXPECT_EQ(row[2], "Cust No1");
      EXPECT_EQ(row[3], "zqcust1@example.com") << "the account's e-mail, as before";
    }
  }
  EXPECT_EQ(seen, 2);
}

TEST_F(AdminOpsApi, AdminActivityPagesFiftyNewestFirstWithTheAdmin) {
  std::string admin = user_id(auth::kAdminEmail);
  q("INSERT INTO admin_activities (id, admin_id, action, entity_type, entity_id, changes, ip_address, created_at)"
    " SELECT 'czqact' || lpad(i::text, 14, '0'), " +
    quote(admin) + ", 'UPDATE', 'product', 'p' || i, '{\"stock\": 1}', '10.0.0.1', " + kNow +
    " - i * interval '1 minute' FROM generate_series(1, 53) i");
  long long total = qn("SELECT count(*) FROM admin_activities");
  auto first = get("/admin-activity", admin_);
  ASSERT_EQ(first.status, 200) << first.body;
  auto doc = first.json().as_object();
  auto items = doc.at("data").at("activities").as_array();
  ASSERT_EQ(items.size(), static_cast<std::size_t>(admin::kActivityPageSize));
  EXPECT_EQ(doc.at("data").at("pagination"), doc.at("pagination")) << "the dashboard's feed reads data.activities";
  EXPECT_EQ(str(items[0].at("id")), q("SELECT id FROM admin_activities ORDER BY created_at DESC, id DESC LIMIT 1"));
  for (std::size_t i = 1; i < items.size(); ++i) {
    EXPECT_GE(str(items[i - 1].at("createdAt")), str(items[i].at("createdAt")));
  }
  auto a = items[0].as_object();
  for (const char* k : {"id", "adminId", "action", "entityType", "entityId", "changes", "ipAddress", "createdAt",
                        "admin", "adminName", "target", "timestamp"}) {
    EXPECT_TRUE(a.contains(k)) << k;
  }
  EXPECT_EQ(str(a.at("admin").at("email")), auth::kAdminEmail);
  EXPECT_EQ(str(a.at("adminName")),
            q("SELECT COALESCE(NULLIF(btrim(first_name || ' ' || last_name), ''), email) FROM users WHERE id = " +
              quote(admin)));
  auto pagination = doc.at("pagination").as_object();
  EXPECT_EQ(pagination.at("page").as_int64(), 1);
  EXPECT_EQ(pagination.at("limit").as_int64(), admin::kActivityPageSize);
  EXPECT_EQ(pagination.at("total").as_int64(), total);
  EXPECT_EQ(pagination.at("pages").as_int64(), (total + admin::kActivityPageSize - 1) / admin::kActivityPageSize);
  EXPECT_EQ(get("/admin-activity", admin_).statements(), 1);

  auto second = get("/admin-activity?page=2", admin_).json().as_object();
  EXPECT_EQ(static_cast<long long>(second.at("data").at("activities").as_array().size()),
            std::min<long long>(total - admin::kActivityPageSize, admin::kActivityPageSize));
  EXPECT_EQ(str(second.at("data").at("activities").as_array()[0].at("id")),
            q("SELECT id FROM admin_activities ORDER BY created_at DESC, id DESC OFFSET 50 LIMIT 1"));
  EXPECT_EQ(get("/admin-activity?page=0", admin_).status, 400);
  EXPECT_EQ(get("/admin-activity?page=x", admin_).status, 400);
}

TEST_F(AdminOpsApi, EmailStatsAndCartAbandonmentCountTheDatabase) {
  auto before = data(get("/email-stats", admin_));
  q("INSERT INTO email_logs (id, type, to_email, subject, status, created_at) VALUES"
    " ('czqmail0000000000001', 'zq_kind', 'a@example.com', 's', 'sent', " +
    std::string(kNow) + "), ('czqmail0000000000002', 'zq_kind', 'a@example.com', 's', 'sent', " + kNow +
    "), ('czqmail0000000000003', 'zq_kind', 'a@example.com', 's', 'failed', " + kNow +
    "), ('czqmail0000000000004', 'zq_kind', 'a@example.com', 's', 'queued', " + kNow +
    "), ('czqmail0000000000005', 'zq_kind', 'a@example.com', 's', 'sent', " + kNow + " - interval '3 days')");
  auto after = data(get("/email-stats", admin_));
  auto delta = [&](const char* period, const char* field) {
    return num(after.at(period).at(field)) - num(before.at(period).at(field));
  };
  EXPECT_EQ(delta("today", "sent"), 2);
  EXPECT_EQ(delta("today", "failed"), 1);
  EXPECT_EQ(delta("today", "pending"), 1);
  EXPECT_EQ(delta("all_time", "sent"), 3);
  EXPECT_EQ(delta("all_time", "failed"), 1);
  double s = num(after.at("all_time").at("sent")), f = num(after.at("all_time").at("failed"));
  EXPECT_NEAR(num(after.at("all_time").at("success_rate")), s / (s + f) * 100, 1e-9);
  EXPECT_EQ(after.at("by_type").at("zq_kind"), json::parse(R"({"sent":3,"failed":1})"));

  auto carts_before = data(get("/cart-abandonment", admin_));
  std::string v = variant(0);
  q("INSERT INTO carts (id, session_id, updated_at) VALUES ('czqcart0000000000001', 'zq-s1', " + std::string(kNow) +
    " - interval '2 days'), ('czqcart0000000000002', 'zq-s2', " + kNow +
    " - interval '2 days'), ('czqcart0000000000003', 'zq-s3', " + kNow + ")");
  q("INSERT INTO cart_items (id, cart_id, variant_id, quantity, updated_at) VALUES"
    " ('czqitem0000000000001', 'czqcart0000000000001', " +
    quote(v) + ", 1, now()), ('czqitem0000000000003', 'czqcart0000000000003', " + quote(v) + ", 1, now())");
  q("INSERT INTO guest_carts (id, session_id, updated_at) VALUES ('czqguest000000000001', 'zq-g1', " +
    std::string(kNow) + " - interval '2 days')");
  q("INSERT INTO guest_cart_items (id, cart_id, variant_id, quantity, updated_at) VALUES"
    " ('czqgitem000000000001', 'czqguest000000000001', " +
    quote(v) + ", 1, now())");
  auto carts = data(get("/cart-abandonment", admin_));
  EXPECT_EQ(num(carts.at("total_carts")) - num(carts_before.at("total_carts")), 2) << "the empty cart is not counted";
  EXPECT_EQ(num(carts.at("abandoned_carts")) - num(carts_before.at("abandoned_carts")), 1);
  auto guests = carts.at("guest_carts"), guests_before = carts_before.at("guest_carts");
  EXPECT_EQ(num(guests.at("total_carts")) - num(guests_before.at("total_carts")), 1);
  EXPECT_EQ(num(guests.at("abandoned_carts")) - num(guests_before.at("abandoned_carts")), 1);
  double total = num(carts.at("total_carts")), abandoned = num(carts.at("abandoned_carts"));
  EXPECT_NEAR(num(carts.at("abandonment_rate")), abandoned / total * 100, 1e-9);
  EXPECT_TRUE(carts.as_object().contains("recovered_carts"));
  EXPECT_TRUE(carts.as_object().contains("recovery_rate"));
}

TEST_F(AdminOpsApi, SystemHealthMeasuresTheDatabaseAndTheMailQueue) {
  q("INSERT INTO email_logs (id, type, to_email, subject, status, created_at) VALUES"
    " ('czqhealth00000000001', 'zq_kind', 'a@example.com', 's', 'queued', " +
    std::string(kNow) + ")");
  auto r = get("/system-health", admin_);
  auto d = data(r).as_object();
  EXPECT_EQ(str(d.at("database").at("status")), "connected");
  const auto& latency = d.at("database").at("latency_ms");
  ASSERT_TRUE(latency.is_number()) << r.body;
  EXPECT_GE(num(latency), 0);
  EXPECT_LT(num(latency), 10000);
  auto queue = d.at("queue").as_object();
  EXPECT_FALSE(queue.contains("error")) << r.body;
  EXPECT_GE(num(queue.at("pending")), 1);
  for (const char* k : {"processing", "retrying", "completed", "failed", "skipped", "window_hours"}) {
    EXPECT_TRUE(queue.at(k).is_number()) << k;
  }
  EXPECT_EQ(queue.at("sending"), false) << "no mail provider in the tests";
  EXPECT_GT(num(d.at("pool").at("size")), 0);
  EXPECT_GT(num(d.at("uptime")), 0);
  EXPECT_EQ(get("/system-health", admin_).statements(), 2) << "the probe and the queue";
}

}  // namespace
}  // namespace wh::test
