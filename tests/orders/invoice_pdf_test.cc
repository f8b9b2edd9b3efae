// The invoice PDF (invoice_pdf.h): a valid A4 document with the order's
// text and amounts as "GHS x.xx", long orders continued on more pages,
// and text outside WinAnsi printed as '?' instead of failing.
#include "orders/invoice_pdf.h"

#include <gtest/gtest.h>

#include <string>

namespace wh::test {
namespace {

orders::InvoiceData invoice(int items) {
  orders::InvoiceData inv;
  inv.order_number = "WH-20261201-0042";
  inv.date = "01/12/2026";
  inv.status = "processing";
  inv.payment_status = "paid";
  inv.customer_name = "Ama Mensah";
  inv.customer_email = "ama@example.com";
  inv.customer_phone = "+233201234567";
  inv.address_lines = {"12 Oxford Street", "Osu, Greater Accra", "Ghana"};
  for (int i = 0; i < items; ++i) {
    inv.lines.push_back(
        {"Body Wave Lace Front " + std::to_string(i), "BW-18 \u2022 Length: 18 in", 2, "120.50", "241.00"});
  }
  inv.subtotal = "241.00";
  inv.discount = "24.10";
  inv.coupon_code = "SAVE10";
  inv.shipping = "30.00";
  inv.tax = "0.00";
  inv.total = "246.90";
  return inv;
}

int count_of(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

TEST(InvoicePdf, OnePageWithTheOrdersTextAndAmounts) {
  auto pdf = orders::render_invoice_pdf(invoice(1));
  ASSERT_GT(pdf.size(), 1000U);
  EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
  EXPECT_NE(pdf.find("%%EOF"), std::string::npos);
  EXPECT_EQ(count_of(pdf, "/Type /Page\n") + count_of(pdf, "/Type /Page\r"), 1) << "one page";
  EXPECT_NE(pdf.find("/MediaBox [ 0 0 595"), std::string::npos) << "A4";
  for (const char* text : {"(WH-20261201-0042)", "(GHS 120.50)", "(GHS 241.00)", "(-GHS 24.10)", "(GHS 246.90)",
                           "(Discount \\050SAVE10\\051)", "(Ama Mensah)", "(Osu, Greater Accra)"}) {
    EXPECT_NE(pdf.find(text), std::string::npos) << text;
  }
  // The bullet is in WinAnsi (0x95); the cedi sign is not.
  EXPECT_NE(pdf.find("(BW-18 \\225 Length: 18 in)"), std::string::npos);
  auto inv = invoice(1);
  inv.customer_name = "Kofi \u20B5 Boateng";
  auto other = orders::render_invoice_pdf(inv);
  EXPECT_NE(other.find("(Kofi ? Boateng)"), std::string::npos);
}

TEST(InvoicePdf, LongOrdersContinueOnMorePages) {
  auto pdf = orders::render_invoice_pdf(invoice(40));
  int pages = count_of(pdf, "/Type /Page\n") + count_of(pdf, "/Type /Page\r");
  EXPECT_GE(pages, 2);
  EXPECT_NE(pdf.find("(Body Wave Lace Front 39)"), std::string::npos);
  EXPECT_NE(pdf.find("(GHS 246.90)"), std::string::npos);
}

}  // namespace
}  // namespace wh::test
