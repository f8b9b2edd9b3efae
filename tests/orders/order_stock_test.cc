// What an admin's status change (and a refund) does to the stock of the
// order's variants: a reservation becomes a sale, a cancel from processing
// or a refund before shipping puts the units back, a shipped parcel stays
// off the shelf, an order whose payment failed takes from the shelf or is
// refused. Stock and reserved stock are checked after every transition.
#include "orders/orders_fixture.h"
#include "orders/reservations.h"

namespace wh::test {
namespace {

TEST(StockMove, FollowsWhatTheOrderHolds) {
  using orders::stock_move;
  using orders::StockMove;
  EXPECT_EQ(stock_move("pending", "pending", "processing"), StockMove::sell_reserved);
  EXPECT_EQ(stock_move("pending", "pending", "cancelled"), StockMove::release_reservation);
  EXPECT_EQ(stock_move("pending", "failed", "processing"), StockMove::sell_from_shelf);
  EXPECT_EQ(stock_move("pending", "failed", "cancelled"), StockMove::none);
  EXPECT_EQ(stock_move("processing", "paid", "shipped"), StockMove::none);
  EXPECT_EQ(stock_move("processing", "paid", "cancelled"), StockMove::back_to_shelf);
  EXPECT_EQ(stock_move("processing", "refund_pending", "refunded"), StockMove::back_to_shelf);
  EXPECT_EQ(stock_move("shipped", "paid", "cancelled"), StockMove::none);
  EXPECT_EQ(stock_move("delivered", "refund_pending", "refunded"), StockMove::none);
}

class OrderStock : public OrdersApi {
 protected:
  static void SetUpTestSuite() {
    start();
    admin_ = token_of(auth::kAdminEmail, auth::kAdminPassword);
  }
  void SetUp() override {
    v_ = variant(40);
    set_stock(v_, 10);
  }

  // A placed order of `qty` units of the variant; its number.
  std::string order_of(int qty, const std::string& coupon_code = "") {
    std::string session = "session-stock-" + std::to_string(++sessions_);
    guest_cart(session, {{v_, qty}}, coupon_code);
    auto r = place(session, checkout_body("stock" + std::to_string(sessions_) + "@example.com"));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? order_number(r) : "";
  }
  // An order of `qty` units whose charge was refused (pending, payment failed).
  std::string failed_order_of(int qty) {
    paystack_->charge_mode(FakePaystack::Charge::refuse);
    std::string session = "session-stock-" + std::to_string(++sessions_);
    guest_cart(session, {{v_, qty}});
    auto r = place(session, checkout_body("stock" + std::to_string(sessions_) + "@example.com"));
    paystack_->charge_mode(FakePaystack::Charge::accept);
    EXPECT_EQ(r.status, 400) << r.body;
    return q("SELECT order_number FROM orders WHERE customer_email = " +
             quote("stock" + std::to_string(sessions_) + "@example.com"));
  }
  static HttpResult to(const std::string& number, const std::string& status) {
    return call("PATCH", "/api/admin/orders/" + number + "/status", json::object{{"status", status}}, admin_);
  }
  void expect_shelf(long long stock, long long reserved_units) {
    EXPECT_EQ(qn("SELECT stock FROM variants WHERE id = " + quote(v_)), stock);
    EXPECT_EQ(reserved(v_), reserved_units);
  }

  std::string v_;
  static inline int sessions_ = 0;
  static inline std::string admin_;
};

TEST_F(OrderStock, AnUnpaidOrderMovedToProcessingSellsItsReservation) {
  auto n = order_of(2);
  expect_shelf(10, 2);
  for (const char* status : {"processing", "shipped", "delivered", "refunded"}) {
    auto r = to(n, status);
    ASSERT_EQ(r.status, 200) << status << ": " << r.body;
    expect_shelf(8, 0);
  }
}

TEST_F(OrderStock, CancelFromProcessingPutsTheUnitsAndTheCouponUseBack) {
  coupon("STOCKBACK", 10, 5);
  auto n = order_of(3, "STOCKBACK");
  expect_shelf(10, 3);
  ASSERT_EQ(to(n, "processing").status, 200);
  expect_shelf(7, 0);
  EXPECT_EQ(coupon_uses("STOCKBACK"), 1);
  ASSERT_EQ(to(n, "cancelled").status, 200);
  expect_shelf(10, 0);
  EXPECT_EQ(coupon_uses("STOCKBACK"), 0);
  EXPECT_EQ(to(n, "processing").status, 400);  // terminal
  expect_shelf(10, 0);
  // Both moves left their stock movement, signed by the admin.
  EXPECT_EQ(
      q("SELECT string_agg(m.type || ':' || m.quantity || ':' || m.previous_stock || '->' || m.new_stock || ':' ||"
        " (m.created_by = u.id), ',' ORDER BY m.created_at, m.quantity) FROM stock_movements m"
        " JOIN orders o ON o.id = m.order_id LEFT JOIN users u ON u.email = " +
        quote(auth::kAdminEmail) + " WHERE o.order_number = " + quote(n)),
      "sale:-3:10->7:true,return:3:7->10:true");
}

TEST_F(OrderStock, ACancelAfterShippingLeavesTheShelfAlone) {
  auto n = order_of(2);
  ASSERT_EQ(to(n, "processing").status, 200);
  ASSERT_EQ(to(n, "shipped").status, 200);
  ASSERT_EQ(to(n, "cancelled").status, 200);
  expect_shelf(8, 0);
}

TEST_F(OrderStock, ARefundBeforeShippingPutsTheUnitsBackAfterItNot) {
  auto n = order_of(2);
  ASSERT_EQ(to(n, "processing").status, 200);
  q("UPDATE orders SET payment_status = 'paid' WHERE order_number = " + quote(n));
  auto r = call("POST", "/api/admin/orders/" + n + "/refund", nullptr, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("data").at("order").at("status"), "refunded");
  expect_shelf(10, 0);

  auto m = order_of(2);
  for (const char* status : {"processing", "shipped", "delivered"}) ASSERT_EQ(to(m, status).status, 200);
  q("UPDATE orders SET payment_status = 'paid' WHERE order_number = " + quote(m));
  ASSERT_EQ(call("POST", "/api/admin/orders/" + m + "/refund", nullptr, admin_).status, 200);
  expect_shelf(8, 0);
}

TEST_F(OrderStock, AnOrderWhosePaymentFailedTakesFromTheShelfOrIsRefused) {
  set_stock(v_, 3);
  auto n = failed_order_of(2);
  EXPECT_EQ(order_field(n, "payment_status"), "failed");
  expect_shelf(3, 0);
  ASSERT_EQ(to(n, "processing").status, 200);
  expect_shelf(1, 0);

  set_stock(v_, 3);
  auto m = failed_order_of(2);
  set_stock(v_, 3, 2);  // someone else's reservation leaves 1 available
  auto r = to(m, "processing");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(auth::error_message(r).find("1 available, the order needs 2"), std::string::npos) << r.body;
  EXPECT_EQ(order_field(m, "status"), "pending");
  expect_shelf(3, 2);
}

}  // namespace
}  // namespace wh::test
