// GET /api/admin/orders/export streams: every batch, in id order, chunked,
// escaped as before; a reader that stops (or vanishes) holds no pooled
// connection while the server waits to write.
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>

#include "db/pool.h"
#include "orders/admin_orders.h"
#include "orders/orders_fixture.h"

namespace wh::test {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;

class OrderExport : public OrdersApi {
 protected:
  static void SetUpTestSuite() {
    start();
    admin_ = token_of(auth::kAdminEmail, auth::kAdminPassword);
  }

  // `n` delivered orders created on `day`, customer names `name_sql` (an SQL
  // expression of the series number i).
  static void insert_orders(int n, const std::string& day, const std::string& name_sql) {
    q("INSERT INTO orders (id, order_number, status, payment_status, subtotal, shipping, tax, total, customer_email,"
      " customer_phone, shipping_address, created_at, updated_at)"
      " SELECT 'cexp' || md5(" +
      quote(day) + " || i)::varchar(26), 'ORD-EXP-' || " + quote(day) +
      " || '-' || i,"
      " 'delivered', 'paid', 10, 2, 0, 12, 'e' || i || '@example.com', '0241234567',"
      " jsonb_build_object('name', " +
      name_sql + "), " + quote(day) +
      "::timestamp + i * interval '1 second', now()"
      " FROM generate_series(1, " +
      std::to_string(n) + ") i");
  }

  static std::string target(const std::string& day) {
    return "/api/admin/orders/export?startDate=" + day + "T00:00:00Z&endDate=" + day + "T23:59:59Z";
  }

  static db::PoolStats pool() { return server_->app().app().services().pool->stats(); }
  static bool pool_idle() {
    return auth::wait_until([] {
      auto s = pool();
      return s.idle == s.open && s.waiting == 0;
    });
  }

  // A connection that asks for the export and then reads nothing.
  static std::unique_ptr<asio::ip::tcp::socket> stalled_reader(asio::io_context& io, const std::string& day) {
    auto s = std::make_unique<asio::ip::tcp::socket>(io);
    s->open(asio::ip::tcp::v4());
    s->set_option(asio::socket_base::receive_buffer_size(4096));
    s->connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    std::string request = "GET " + target(day) + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin_ +
                          "\r\nConnection: close\r\n\r\n";
    asio::write(*s, asio::buffer(request));
    return s;
  }

  static std::string admin_;
};

std::string OrderExport::admin_;

TEST_F(OrderExport, MoreRowsThanOneBatchArriveCompleteInOrderAndEscaped) {
  const int n = orders::kExportBatch * 2 + 1;
  insert_orders(
      n, "2031-01-01",
      "CASE WHEN i = 7 THEN E'Ama \"Q\", Jr.\\nAccra' WHEN i = 8 THEN '=HYPERLINK(\"x\")' ELSE 'Name ' || i END");
  auto r = call("GET", target("2031-01-01"), nullptr, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");
  EXPECT_EQ(r.header("content-type").rfind("text/csv", 0), 0u);

  std::string expected =
      q("SELECT string_agg(order_number, ',' ORDER BY id) FROM orders WHERE created_at::date = '2031-01-01'");
  std::string got;
  std::size_t pos = r.body.find('\n') + 1;
  int rows = 0;
  while (pos < r.body.size()) {
    std::size_t comma = r.body.find(',', pos);
    got += (rows++ ? "," : "") + r.body.substr(pos, comma - pos);
    // The next line starts after the next newline outside quotes.
    bool quoted = false;
    for (; pos < r.body.size() && (quoted || r.body[pos] != '\n'); ++pos) {
      if (r.body[pos] == '"') quoted = !quoted;
    }
    ++pos;
  }
  EXPECT_EQ(rows, n);
  EXPECT_EQ(got, expected) << "rows missing, repeated or out of id order";
  EXPECT_NE(
      r.body.find(
          ",2031-01-01,\"Ama \"\"Q\"\", Jr.\nAccra\",e7@example.com,delivered,paid,10.00,2.00,0.00,0.00,,12.00,,,,0\n"),
      std::string::npos);
  // A cell a spreadsheet would run as a formula is quoted as text.
  EXPECT_NE(r.body.find(",\"'=HYPERLINK(\"\"x\"\")\",e8@example.com,"), std::string::npos);
}

// About 8 MB of CSV: more than the kernel buffers hold, so the server must
// wait for the reader partway through.
TEST_F(OrderExport, AReaderThatStopsOrVanishesHoldsNoPooledConnection) {
  const int n = 4000;
  insert_orders(n, "2032-01-01", "repeat('n', 2000) || i");
  asio::io_context io;

  auto reader = stalled_reader(io, "2032-01-01");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(pool_idle()) << "a pooled connection is held while the export waits for its reader";
  // The reader resumes and gets all of it.
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  beast::http::read(*reader, buffer, parser);
  EXPECT_EQ(parser.get().result_int(), 200u);
  const std::string& body = parser.get().body();
  EXPECT_GT(body.size(), 8u * 1000 * 1000);
  EXPECT_EQ(std::count(body.begin(), body.end(), '\n'), n + 1);

  auto gone = stalled_reader(io, "2032-01-01");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  gone->set_option(asio::socket_base::linger(true, 0));
  gone->close();
  EXPECT_TRUE(pool_idle());
  EXPECT_EQ(call("GET", target("2032-01-02"), nullptr, admin_).status, 200);
}

}  // namespace
}  // namespace wh::test
