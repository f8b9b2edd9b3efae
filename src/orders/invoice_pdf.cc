#include "orders/invoice_pdf.h"

#include <hpdf.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <type_traits>

namespace wh::orders {

namespace {

constexpr float kMargin = 50;
constexpr float kRowHeight = 30;
constexpr float kTableBottom = 150;  // a new page below this
// Table columns (x): description, quantity (centre), unit price and amount
// (right edges).
constexpr float kColQty = 345;
constexpr float kColUnitRight = 455;
constexpr float kColAmountRight = 545;
constexpr float kDescriptionWidth = 260;

// CP1252 for the code points it has beyond Latin-1.
char windows_1252(char32_t c) {
  switch (c) {
    case U'\u20AC':
      return '\x80';
    case U'\u2026':
      return '\x85';
    case U'\u2018':
      return '\x91';
    case U'\u2019':
      return '\x92';
    case U'\u201C':
      return '\x93';
    case U'\u201D':
      return '\x94';
    case U'\u2022':
      return '\x95';
    case U'\u2013':
      return '\x96';
    case U'\u2014':
      return '\x97';
    case U'\u2122':
      return '\x99';
    default:
      return '?';
  }
}

// UTF-8 to WinAnsi; control characters and what WinAnsi lacks become '?'
// (a malformed sequence too).
std::string win_ansi(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    auto b = static_cast<unsigned char>(utf8[i]);
    char32_t c = 0;
    int extra = 0;
    if (b < 0x80) {
      c = b;
    } else if ((b & 0xE0) == 0xC0) {
      c = b & 0x1F;
      extra = 1;
    } else if ((b & 0xF0) == 0xE0) {
      c = b & 0x0F;
      extra = 2;
    } else if ((b & 0xF8) == 0xF0) {
      c = b & 0x07;
      extra = 3;
    } else {
      out += '?';
      ++i;
      continue;
    }
    bool ok = true;
    for (int k = 1; k <= extra; ++k) {
      if (i + k >= utf8.size()) {
        ok = false;
        break;
      }
      auto cb = static_cast<unsigned char>(utf8[i + k]);
      if ((cb & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      c = (c << 6) | (cb & 0x3F);
    }
    if (!ok) {
      out += '?';
      ++i;
      continue;
    }
    i += 1 + extra;
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
      out += c == '\t' ? ' ' : '?';
    } else if (c < 0x100) {
      out += static_cast<char>(c);
    } else {
      out += windows_1252(c);
    }
  }
  return out;
}

// libhpdf reports errors through this handler; the first one is kept and
// checked after drawing (throwing through C code is not allowed).
struct ErrorState {
  HPDF_STATUS error = HPDF_OK;
  HPDF_STATUS detail = 0;
};

void on_error(HPDF_STATUS error, HPDF_STATUS detail, void* user) {
  auto* state = static_cast<ErrorState*>(user);
  if (state->error == HPDF_OK) {
    state->error = error;
    state->detail = detail;
  }
}

class Writer {
 public:
  Writer() : doc_(HPDF_New(on_error, &errors_), HPDF_Free) {
    if (!doc_) throw std::runtime_error("libhpdf: cannot create a document");
    HPDF_SetCompressionMode(doc_.get(), HPDF_COMP_NONE);
    regular_ = HPDF_GetFont(doc_.get(), "Helvetica", "WinAnsiEncoding");
    bold_ = HPDF_GetFont(doc_.get(), "Helvetica-Bold", "WinAnsiEncoding");
  }

  void new_page() {
    page_ = HPDF_AddPage(doc_.get());
    HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    ++pages_;
  }
  float height() const { return HPDF_Page_GetHeight(page_); }
  int pages() const { return pages_; }

  // Text at (x, y) in the WinAnsi form of `utf8`; `max_width` > 0 shortens
  // it with "..." to fit.
  void text(float x, float y, std::string_view utf8, bool bold = false, float size = 9, float max_width = 0) {
    std::string t = fit(win_ansi(utf8), bold, size, max_width);
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, bold ? bold_ : regular_, size);
    HPDF_Page_TextOut(page_, x, y, t.c_str());
    HPDF_Page_EndText(page_);
  }
  void text_right(float right, float y, std::string_view utf8, bool bold = false, float size = 9) {
    text(right - width(win_ansi(utf8), bold, size), y, utf8, bold, size);
  }
  void text_centre(float centre, float y, std::string_view utf8, bool bold = false, float size = 9) {
    text(centre - width(win_ansi(utf8), bold, size) / 2, y, utf8, bold, size);
  }
  void rule(float x1, float x2, float y, float grey = 0.85F, float line = 0.5F) {
    HPDF_Page_SetRGBStroke(page_, grey, grey, grey);
    HPDF_Page_SetLineWidth(page_, line);
    HPDF_Page_MoveTo(page_, x1, y);
    HPDF_Page_LineTo(page_, x2, y);
    HPDF_Page_Stroke(page_);
  }
  void band(float x, float y, float w, float h, float grey) {
    HPDF_Page_SetRGBFill(page_, grey, grey, grey);
    HPDF_Page_Rectangle(page_, x, y, w, h);
    HPDF_Page_Fill(page_);
    HPDF_Page_SetRGBFill(page_, 0, 0, 0);
  }
  void ink(float grey) { HPDF_Page_SetRGBFill(page_, grey, grey, grey); }

  std::string bytes() {
    HPDF_SaveToStream(doc_.get());
    check();
    HPDF_UINT32 size = HPDF_GetStreamSize(doc_.get());
    std::string out(size, '\0');
    HPDF_UINT32 read = size;
    HPDF_ReadFromStream(doc_.get(), reinterpret_cast<HPDF_BYTE*>(out.data()), &read);
    out.resize(read);
    check();
    return out;
  }

 private:
  float width(const std::string& win_text, bool bold, float size) {
    HPDF_Page_SetFontAndSize(page_, bold ? bold_ : regular_, size);
    return HPDF_Page_TextWidth(page_, win_text.c_str());
  }
  std::string fit(std::string t, bool bold, float size, float max_width) {
    if (max_width <= 0 || width(t, bold, size) <= max_width) return t;
    while (!t.empty() && width(t + "...", bold, size) > max_width) t.pop_back();
    return t + "...";
  }
  void check() const {
    // HPDF_STREAM_EOF (0x1058) ends every read of the whole stream.
    if (errors_.error != HPDF_OK && errors_.error != 0x1058) {
      throw std::runtime_error("libhpdf error " + std::to_string(errors_.error) + "/" + std::to_string(errors_.detail));
    }
  }

  ErrorState errors_;
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, void (*)(HPDF_Doc)> doc_;
  HPDF_Font regular_ = nullptr;
  HPDF_Font bold_ = nullptr;
  HPDF_Page page_ = nullptr;
  int pages_ = 0;
};

void draw_header(Writer& w, const InvoiceData& inv, float top) {
  w.band(0, top - 140, 595.28F, 140, 0);
  w.ink(1);
  w.text(kMargin, top - 75, "WIGHAVEN", true, 28);
  w.ink(0.85F);
  w.text(kMargin, top - 100, "Premium Wig Collection");
  w.text(kMargin, top - 113, "Accra, Ghana");
  w.ink(1);
  w.text_right(kColAmountRight, top - 75, "INVOICE", true, 26);
  w.text(380, top - 100, "INVOICE #", true);
  w.text_right(kColAmountRight, top - 100, inv.order_number);
  w.text(380, top - 113, "DATE", true);
  w.text_right(kColAmountRight, top - 113, inv.date);
  w.ink(0);
}

float draw_table_header(Writer& w, float y) {
  w.band(kMargin, y - 8, kColAmountRight - kMargin + 5, 24, 0.96F);
  w.text(kMargin + 8, y, "DESCRIPTION", true);
  w.text_centre(kColQty, y, "QTY", true);
  w.text_right(kColUnitRight, y, "UNIT PRICE", true);
  w.text_right(kColAmountRight - 5, y, "AMOUNT", true);
  return y - 30;
}

}  // namespace

std::string ghs(const std::string& amount) { return "GHS " + amount; }

std::string render_invoice_pdf(const InvoiceData& inv) {
  Writer w;
  w.new_page();
  const float top = w.height();
  draw_header(w, inv, top);

  // Bill to, and the order's state.
  float y = top - 175;
  w.text(kMargin, y, "BILL TO", true, 10);
  w.text(330, y, "ORDER", true, 10);
  y -= 16;
  float left = y;
  w.text(kMargin, left, inv.customer_name, false, 10, 260);
  left -= 13;
  w.text(kMargin, left, inv.customer_email, false, 9, 260);
  if (!inv.customer_phone.empty()) {
    left -= 13;
    w.text(kMargin, left, inv.customer_phone, false, 9, 260);
  }
  for (const auto& line : inv.address_lines) {
    left -= 13;
    w.text(kMargin, left, line, false, 9, 260);
  }
  w.text(330, y, "Status: " + inv.status);
  w.text(330, y - 13, "Payment: " + inv.payment_status);
  y = std::min(left, y - 13) - 30;

  y = draw_table_header(w, y);
  for (const auto& line : inv.lines) {
    if (y < kTableBottom) {
      w.new_page();
      y = draw_table_header(w, w.height() - kMargin - 10);
    }
    w.text(kMargin + 8, y, line.name, true, 9, kDescriptionWidth);
    if (!line.detail.empty()) w.text(kMargin + 8, y - 11, line.detail, false, 8, kDescriptionWidth);
    w.text_centre(kColQty, y, std::to_string(line.quantity));
    w.text_right(kColUnitRight, y, ghs(line.unit_price));
    w.text_right(kColAmountRight - 5, y, ghs(line.amount));
    w.rule(kMargin, kColAmountRight, y - 17);
    y -= kRowHeight;
  }

  // Totals, on a new page when they no longer fit.
  if (y < kTableBottom - 40) {
    w.new_page();
    y = w.height() - kMargin - 10;
  }
  auto total_row = [&](const std::string& label, const std::string& value, bool bold = false) {
    w.text(360, y, label, bold, bold ? 11 : 9);
    w.text_right(kColAmountRight - 5, y, value, bold, bold ? 11 : 9);
    y -= bold ? 20 : 15;
  };
  y -= 5;
  total_row("Subtotal", ghs(inv.subtotal));
  if (inv.discount != "0.00") {
    total_row(inv.coupon_code.empty() ? "Discount" : "Discount (" + inv.coupon_code + ")", "-" + ghs(inv.discount));
  }
  total_row("Shipping", ghs(inv.shipping));
  total_row("Tax", ghs(inv.tax));
  w.rule(360, kColAmountRight, y + 10, 0, 1);
  y -= 4;
  total_row("TOTAL", ghs(inv.total), true);

  w.ink(0.5F);
  w.text(kMargin, 60, "Thank you for shopping with WigHaven.", false, 9);
  w.text_right(kColAmountRight, 60, "Invoice " + inv.order_number, false, 8);
  w.ink(0);
  return w.bytes();
}

}  // namespace wh::orders
