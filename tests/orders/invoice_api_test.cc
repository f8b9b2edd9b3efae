// GET /api/orders/:orderNumber/invoice/download: the PDF for the owner and
// for admins (super admins too), 401/403/404 for everyone else.
#include <gtest/gtest.h>

#include <string>

#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

class InvoiceApi : public CommerceApi {
 protected:
  // An order of the customer with two items; returns its number.
  static std::string order() {
    auto v = variant(2, "120.50");
    q("INSERT INTO orders (id, user_id, order_number, status, payment_status, subtotal, shipping, tax, discount, total,"
      " customer_email, customer_phone, shipping_address, updated_at) VALUES ('oinv1', " +
      quote(user_id(customer_email_)) + ", 'WH-INV-0001', 'processing', 'paid', 361.50, 30, 0, 0, 391.50, " +
      quote(customer_email_) +
      ", '+233201234567', '{\"name\":\"Ama Mensah\",\"address\":\"12 Oxford St\",\"city\":\"Osu\","
      "\"state\":\"Greater Accra\",\"country\":\"Ghana\",\"phone\":\"+233201234567\"}', now())");
    q("INSERT INTO order_items (id, order_id, variant_id, product_name, variant_sku, attributes, quantity, unit_price,"
      " subtotal) VALUES ('oi1', 'oinv1', " +
      quote(v) + ", 'Body Wave Lace Front', 'BW-18', '{\"length\":\"18 in\"}', 3, 120.50, 361.50)");
    return "WH-INV-0001";
  }
};

TEST_F(InvoiceApi, TheOwnerGetsAnA4PdfWithTheOrder) {
  auto number = order();
  auto r = call("GET", "/api/orders/" + number + "/invoice/download", nullptr, customer_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/pdf");
  EXPECT_EQ(r.header("content-disposition"), "attachment; filename=Wighaven_Invoice_WH-INV-0001.pdf");
  EXPECT_EQ(r.header("cache-control"), "private, no-store");
  EXPECT_EQ(r.body.substr(0, 5), "%PDF-");
  for (const char* text : {"(WH-INV-0001)", "(Body Wave Lace Front)", "(GHS 120.50)", "(GHS 361.50)", "(GHS 391.50)",
                           "(Ama Mensah)", "(Osu, Greater Accra)"}) {
    EXPECT_NE(r.body.find(text), std::string::npos) << text;
  }
}

TEST_F(InvoiceApi, OnlyTheOwnerAndAdminsMayDownloadIt) {
  auto number = order();
  auto path = "/api/orders/" + number + "/invoice/download";
  EXPECT_EQ(call("GET", path).status, 401);
  EXPECT_EQ(call("GET", path, nullptr, other_).status, 403);
  EXPECT_EQ(call("GET", "/api/orders/WH-NOPE-0000/invoice/download", nullptr, customer_).status, 404);
  EXPECT_EQ(call("GET", path, nullptr, admin_).status, 200);
  // A super admin may too (the old route let only `admin` through).
  auto email = server_->verified_customer(2);
  q("UPDATE users SET role = 'super_admin' WHERE email = " + quote(email));
  auto token = server_->tokens(email, auth::kCustomerPassword).first;
  EXPECT_EQ(call("GET", path, nullptr, token).status, 200);
}

}  // namespace
}  // namespace wh::test
