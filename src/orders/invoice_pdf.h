// The order invoice as an A4 PDF (reference §1.28), drawn with libharu
// (libhpdf) in the standard Helvetica fonts: the shop's header, invoice
// number and date, the customer and delivery address, one row per item
// (continued on further pages when long), and the totals. Amounts are
// written "GHS x.xx". Text is encoded as WinAnsi (CP1252): characters
// outside it print as '?'. Content streams are left uncompressed (an
// invoice is a few kilobytes), so the text can be checked in tests.
#pragma once
#include <string>
#include <vector>

namespace wh::orders {

struct InvoiceLine {
  std::string name;    // product name
  std::string detail;  // SKU and attributes, e.g. "SKU-1 · Length: 18 in"
  int quantity = 0;
  std::string unit_price;  // decimal text, two places ("120.50")
  std::string amount;      // decimal text, two places
};

struct InvoiceData {
  std::string order_number;
  std::string date;  // as printed, e.g. "01/12/2026"
  std::string status;
  std::string payment_status;
  std::string customer_name;
  std::string customer_email;
  std::string customer_phone;
  std::vector<std::string> address_lines;
  std::vector<InvoiceLine> lines;
  std::string subtotal, discount, shipping, tax, total;  // decimal text, two places
  std::string coupon_code;                               // "" when none
};

// "GHS 120.50" for "120.50".
std::string ghs(const std::string& amount);

// The PDF bytes. Throws std::runtime_error if libhpdf fails.
std::string render_invoice_pdf(const InvoiceData& invoice);

}  // namespace wh::orders
