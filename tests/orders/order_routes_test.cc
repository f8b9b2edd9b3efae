// The order routes: reading one (owner, admin, guest e-mail), my orders,
// cancel, and the admin list, export, state machine, refund and tracking.
#include "orders/orders_fixture.h"
#include "support/json_checks.h"

namespace wh::test {
namespace {

class Orders : public OrdersApi {
 protected:
  static void SetUpTestSuite() {
    start();
    admin_ = token_of(auth::kAdminEmail, auth::kAdminPassword);
    customer_email_ = server_->verified_customer();
    customer_ = token_of(customer_email_, auth::kCustomerPassword);
    customer_id_ = server_->user_id(customer_email_);
  }

  // A guest order of one unit; its order number.
  static std::string guest_order(const std::string& session, const std::string& email = "guest@example.com") {
    auto v = variant(1);
    set_stock(v, 50);
    guest_cart(session, {{v, 1}});
    auto r = place(session, checkout_body(email));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? order_number(r) : "";
  }

  static std::string admin_, customer_, customer_email_, customer_id_;
};

std::string Orders::admin_, Orders::customer_, Orders::customer_email_, Orders::customer_id_;

TEST_F(Orders, GuestReadsItsOrderWithItsEmailOnly) {
  auto n = guest_order("session-read-1", "Guest.Reader@example.com");
  auto ok = server_->get("/api/orders/" + n + "?email=guest.reader@example.com");
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto order = ok.json().at("data").at("order").as_object();
  EXPECT_EQ(order.at("order_number"), json::value(n));
  for (const char* k : {"id",
                        "user_id",
                        "status",
                        "payment_status",
                        "payment_method",
                        "subtotal",
                        "tax",
                        "shipping",
                        "discount_amount",
                        "coupon_code",
                        "total",
                        "items",
                        "shipping_address",
                        "billing_address",
                        "customer_email",
                        "customer_phone",
                        "notes",
                        "paystack_reference",
                        "tracking_number",
                        "carrier",
                        "created_at",
                        "paid_at",
                        "updated_at"}) {
    EXPECT_TRUE(order.contains(k)) << k;
  }
  EXPECT_TRUE(order.at("total").is_number());
  EXPECT_TRUE(is_iso_time(order.at("created_at")));
  EXPECT_EQ(order.at("items").as_array().size(), 1u);
  EXPECT_EQ(ok.statements(), 1);

  EXPECT_EQ(server_->get("/api/orders/" + n + "?email=other@example.com").status, 403);
  EXPECT_EQ(server_->get("/api/orders/" + n).status, 403);
  EXPECT_EQ(server_->get("/api/orders/" + n, auth::bearer(customer_)).status, 403);
  EXPECT_EQ(server_->get("/api/orders/" + n, auth::bearer(admin_)).status, 200);
  EXPECT_EQ(server_->get("/api/orders/ORD-20000101-000000?email=a@b.co").status, 404);
}

TEST_F(Orders, MyOrdersArePagedCappedAndOwnOnly) {
  auto v = variant(1);
  set_stock(v, 50);
  for (int i = 0; i < 3; ++i) {
    user_cart(customer_id_, {{v, 1}});
    auto r = place_as(customer_, checkout_body(customer_email_, "02412345" + std::to_string(60 + i)));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  auto own = qn("SELECT count(*) FROM orders WHERE user_id = " + quote(customer_id_));
  call("GET", "/api/orders?limit=2&page=1", nullptr, customer_);  // warms the principal cache
  auto page = call("GET", "/api/orders?limit=2&page=1", nullptr, customer_);
  ASSERT_EQ(page.status, 200) << page.body;
  auto data = page.json().at("data").as_object();
  EXPECT_EQ(data.at("orders").as_array().size(), 2u);
  EXPECT_EQ(data.at("pagination").at("total").to_number<long long>(), own);
  EXPECT_EQ(data.at("pagination").at("limit"), 2);
  EXPECT_LE(page.statements(), 1) << "one statement for the page, whatever its size";
  for (const auto& o : data.at("orders").as_array()) EXPECT_EQ(o.at("user_id"), json::value(customer_id_));
  EXPECT_EQ(call("GET", "/api/orders?limit=101", nullptr, customer_).status, 400);
  EXPECT_EQ(call("GET", "/api/orders?limit=100", nullptr, customer_).status, 200);
  EXPECT_EQ(call("GET", "/api/orders", nullptr, "").status, 401);
}

TEST_F(Orders, CancelReleasesReservationAndCoupon) {
  auto v = variant(2);
  set_stock(v, 5);
  coupon("CANCEL10", 10, 10);
  guest_cart("session-cancel-1", {{v, 2}}, "CANCEL10");
  auto r = place("session-cancel-1", checkout_body("canceller@example.com"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto n = order_number(r);
  EXPECT_EQ(reserved(v), 2);
  EXPECT_EQ(coupon_uses("CANCEL10"), 1);
  EXPECT_EQ(call("POST", "/api/orders/" + n + "/cancel", json::object{{"email", "x@example.com"}}, "").status, 403);
  auto c = call("POST", "/api/orders/" + n + "/cancel", json::object{{"email", "canceller@example.com"}}, "");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json().at("data").at("order").at("status"), "cancelled");
  EXPECT_EQ(c.json().at("message"), "Order cancelled successfully");
  EXPECT_EQ(reserved(v), 0);
  EXPECT_EQ(coupon_uses("CANCEL10"), 0);
  auto again = call("POST", "/api/orders/" + n + "/cancel", json::object{{"email", "canceller@example.com"}}, "");
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(reserved(v), 0);
}

TEST_F(Orders, StateMachineRefusesIllegalTransitionsNamingThem) {
  auto n = guest_order("session-state-1");
  auto to = [&](const std::string& s) {
    return call("PATCH", "/api/admin/orders/" + n + "/status", json::object{{"status", s}}, admin_);
  };
  auto bad = to("delivered");
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(auth::error_message(bad).find("pending \u2192 delivered"), std::string::npos) << bad.body;
  EXPECT_EQ(to("processing").status, 200);
  auto shipped = to("shipped");
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  EXPECT_EQ(shipped.json().at("data").at("order").at("status"), "shipped");
  EXPECT_EQ(to("shipped").status, 200);  // same -> same
  EXPECT_EQ(to("pending").status, 400);
  EXPECT_EQ(to("delivered").status, 200);
  EXPECT_EQ(to("cancelled").status, 400);
  EXPECT_EQ(to("nonsense").status, 400);
  EXPECT_EQ(
      call("PATCH", "/api/admin/orders/" + n + "/status", json::object{{"status", "processing"}}, customer_).status,
      403);
  // One activity row per move made (processing, shipped, delivered): none
  // for a refused move nor for same -> same.
  EXPECT_EQ(q("SELECT string_agg(changes->>'status', ',' ORDER BY changes->>'status')"
              " FROM admin_activities WHERE action = 'order.status' AND entity_type = 'order' AND entity_id = " +
              quote(order_field(n, "id"))),
            "delivered,processing,shipped");
}

TEST_F(Orders, AdminCancelOfAPendingOrderReleasesItsReservation) {
  auto v = variant(1);
  auto n = guest_order("session-admin-cancel-1");
  auto held = reserved(v);
  auto r = call("PATCH", "/api/admin/orders/" + n + "/status", json::object{{"status", "cancelled"}}, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(reserved(v), held - 1);
}

TEST_F(Orders, BulkStatusReportsEachOrder) {
  auto a = guest_order("session-bulk-1");
  auto b = guest_order("session-bulk-2");
  q("UPDATE orders SET status = 'delivered' WHERE order_number = " + quote(b));
  auto r = call("PATCH", "/api/admin/orders/bulk-status",
                json::object{{"orderNumbers", json::array{json::value(a), json::value(b), json::value("ORD-X")}},
                             {"status", "processing"}},
                admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto results = r.json().at("results").as_array();
  EXPECT_EQ(results.at(0).at("status"), "fulfilled");
  EXPECT_EQ(results.at(1).at("status"), "rejected");
  EXPECT_EQ(results.at(2).at("status"), "rejected");
  EXPECT_EQ(r.json().at("message"), "Updated 1 orders. 2 failed.");
  EXPECT_EQ(call("PATCH", "/api/admin/orders/bulk-status",
                 json::object{{"orderNumbers", json::array{}}, {"status", "x"}}, admin_)
                .status,
            400);
}

TEST_F(Orders, TrackingSetsNumberCarrierAndShipped) {
  auto n = guest_order("session-track-1");
  auto early = call("PATCH", "/api/admin/orders/" + n + "/tracking",
                    json::object{{"tracking_number", "TRK1"}, {"carrier", "DHL"}}, admin_);
  EXPECT_EQ(early.status, 400) << early.body;  // pending -> shipped is not a legal move
  q("UPDATE orders SET status = 'processing', payment_status = 'paid' WHERE order_number = " + quote(n));
  auto r = call("PATCH", "/api/admin/orders/" + n + "/tracking",
                json::object{{"tracking_number", "TRK1"}, {"carrier", "DHL"}}, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto order = r.json().at("data").at("order").as_object();
  EXPECT_EQ(order.at("tracking_number"), "TRK1");
  EXPECT_EQ(order.at("carrier"), "DHL");
  EXPECT_EQ(order.at("status"), "shipped");
  EXPECT_EQ(q("SELECT changes->>'trackingNumber' FROM admin_activities WHERE action = 'order.tracking'"
              " AND entity_id = " +
              quote(order_field(n, "id"))),
            "TRK1");
}

TEST_F(Orders, RefundAcceptsNumberOrIdAndOnlyPaidOrders) {
  auto n = guest_order("session-refund-1");
  auto id = order_field(n, "id");
  EXPECT_EQ(call("POST", "/api/admin/orders/" + n + "/refund", nullptr, admin_).status, 400);  // not paid
  q("UPDATE orders SET status = 'delivered', payment_status = 'paid' WHERE id = " + quote(id));
  auto r = call("POST", "/api/admin/orders/" + id + "/refund", nullptr, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("data").at("order").at("payment_status"), "refunded");
  EXPECT_EQ(r.json().at("data").at("order").at("status"), "refunded");
  auto refunds = paystack_->calls_to("/refund");
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0].body.at("transaction"), json::value(order_field(n, "paystack_reference")));

  auto m = guest_order("session-refund-2");
  q("UPDATE orders SET status = 'delivered', payment_status = 'paid' WHERE order_number = " + quote(m));
  paystack_->script_refund(
      {FakeReply::json(R"({"status":false,"message":"Transaction has been fully reversed"})", 400)});
  auto failed = call("POST", "/api/admin/orders/" + m + "/refund", nullptr, admin_);
  EXPECT_EQ(failed.status, 502) << failed.body;
  EXPECT_EQ(order_field(m, "payment_status"), "refund_failed");
}

TEST_F(Orders, AdminListSearchesFiltersAndCaps) {
  auto n = guest_order("session-list-1", "findme.list@example.com");
  call("GET", "/api/admin/orders?search=FINDME.LIST", nullptr, admin_);  // warms the principal cache
  auto r = call("GET", "/api/admin/orders?search=FINDME.LIST", nullptr, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = r.json().as_object();
  ASSERT_EQ(v.at("data").as_array().size(), 1u);
  EXPECT_EQ(v.at("data").at(0).at("order_number"), json::value(n));
  EXPECT_EQ(v.at("pagination").at("total"), 1);
  EXPECT_LE(r.statements(), 1);
  auto pending = call("GET", "/api/admin/orders?status=pending&limit=100", nullptr, admin_);
  ASSERT_EQ(pending.status, 200);
  auto pending_body = pending.json();
  for (const auto& o : pending_body.at("data").as_array()) EXPECT_EQ(o.at("status"), "pending");
  EXPECT_EQ(call("GET", "/api/admin/orders?limit=500", nullptr, admin_).status, 400);
  EXPECT_EQ(call("GET", "/api/admin/orders", nullptr, customer_).status, 403);
}

TEST_F(Orders, ExportIsCsvOfEveryMatchingOrder) {
  auto n = guest_order("session-export-1", "csv.export@example.com");
  auto r = call("GET", "/api/admin/orders/export?status=pending", nullptr, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type").rfind("text/csv", 0), 0u);
  EXPECT_NE(r.header("content-disposition").find("attachment; filename=orders-"), std::string::npos);
  EXPECT_EQ(r.body.rfind("Order Number,Date,Customer Name,Customer Email,Status,", 0), 0u);
  auto lines = std::count(r.body.begin(), r.body.end(), '\n');
  EXPECT_EQ(lines, 1 + qn("SELECT count(*) FROM orders WHERE status = 'pending'"));
  EXPECT_NE(r.body.find(n), std::string::npos);
  EXPECT_EQ(call("GET", "/api/admin/orders/export?startDate=yesterday", nullptr, admin_).status, 400);
}

}  // namespace
}  // namespace wh::test
