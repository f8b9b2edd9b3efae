#include "db/connection.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <cerrno>

#include "core/log.h"

namespace wh::db {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

namespace {

std::string conn_message(PGconn* c) {
  std::string m = c ? PQerrorMessage(c) : "out of memory";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

DbError result_error(PGresult* r) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  std::string msg = PQresultErrorMessage(r);
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  return DbError(msg, state ? state : "", false);
}

// Statements worth a prepared plan; others (BEGIN, COMMIT, LISTEN, SET...)
// run unnamed.
bool preparable(std::string_view sql) {
  auto start = sql.find_first_not_of(" \t\r\n(");
  if (start == std::string_view::npos) return false;
  std::string word;
  for (auto i = start; i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])) != 0; ++i) {
    word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i]))));
  }
  return word == "select" || word == "with" || word == "insert" || word == "update" || word == "delete" ||
         word == "values";
}

// Off for the whole process once the server lost a prepared statement.
std::atomic<bool> prepare_works{true};

bool is_error(PGresult* r) {
  auto s = PQresultStatus(r);
  return s == PGRES_FATAL_ERROR || s == PGRES_BAD_RESPONSE || s == PGRES_NONFATAL_ERROR || s == PGRES_PIPELINE_ABORTED;
}

}  // namespace

Connection::Connection(asio::any_io_executor ex, PGconn* conn) : ex_(ex), conn_(conn), socket_(ex) {}

Connection::~Connection() {
  // Our dup first (it leaves the reactor), then libpq's own socket.
  boost::system::error_code ignored;
  socket_.close(ignored);
  if (conn_ != nullptr) PQfinish(conn_);
}

bool Connection::healthy() const {
  return !broken_ && PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool Connection::alive() {
  // Not healthy(): inside a transaction the connection is alive too.
  if (broken_ || PQstatus(conn_) != CONNECTION_OK) return false;
  pollfd p{};
  p.fd = PQsocket(conn_);
  p.events = POLLIN | POLLRDHUP;
  int n = 0;
  do {
    n = ::poll(&p, 1, 0);
  } while (n < 0 && errno == EINTR);
  if (n == 0) return true;  // nothing pending: the usual case
  bool hung_up = n < 0 || (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
  // Readable while idle: a NOTIFY or parameter change is harmless; the
  // server's "terminating connection" error followed by end of file is not.
  if (hung_up || PQconsumeInput(conn_) == 0 || PQisBusy(conn_) != 0 || PQstatus(conn_) != CONNECTION_OK) {
    broken_ = true;
    return false;
  }
  return true;
}

void Connection::fail(const char* what) {
  broken_ = true;
  throw DbError(std::string(what) + ": " + conn_message(conn_), "", true);
}

void Connection::watch_socket() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  int fd = PQsocket(conn_);
  if (fd < 0) return;
  int mine = ::dup(fd);
  if (mine < 0) fail("dup");
  socket_.assign(mine, ignored);
  if (ignored) {
    ::close(mine);
    fail("reactor");
  }
}

Task<bool> Connection::wait_ready(bool want_read, bool want_write, Clock::time_point deadline) {
  asio::steady_timer timer(ex_, deadline);
  auto timeout = [&]() -> Task<void> { co_await timer.async_wait(asio::as_tuple(asio::use_awaitable)); };
  auto on = [&](asio::posix::descriptor_base::wait_type w) -> Task<void> {
    auto [ec] = co_await socket_.async_wait(w, asio::as_tuple(asio::use_awaitable));
    if (ec) throw DbError("socket wait failed: " + ec.message(), "", true);
  };
  // The timer is always the last alternative of the race.
  bool timed_out = false;
  if (want_read && want_write) {
    auto r = co_await (on(asio::posix::descriptor_base::wait_read) || on(asio::posix::descriptor_base::wait_write) ||
                       timeout());
    timed_out = r.index() == 2;
  } else {
    auto r =
        co_await (on(want_read ? asio::posix::descriptor_base::wait_read : asio::posix::descriptor_base::wait_write) ||
                  timeout());
    timed_out = r.index() == 1;
  }
  co_return !timed_out;
}

Task<void> Connection::wait(bool want_read, bool want_write, Clock::time_point deadline) {
  bool ready = co_await wait_ready(want_read, want_write, deadline);
  if (!ready) {
    broken_ = true;
    throw DbError("database did not answer in time", "57014", true);
  }
}

Task<std::unique_ptr<Connection>> Connection::connect(asio::any_io_executor ex, const ConnectOptions& o,
                                                      Clock::time_point deadline) {
  deadline = std::min(deadline, Clock::now() + o.connect_timeout);
  ConnectParams params = co_await connect_params(ex, o, deadline);
  std::vector<const char*> keys, vals;
  for (std::size_t i = 0; i < params.keys.size(); ++i) {
    keys.push_back(params.keys[i].c_str());
    vals.push_back(params.values[i].c_str());
  }
  keys.push_back(nullptr);
  vals.push_back(nullptr);

  PGconn* raw = PQconnectStartParams(keys.data(), vals.data(), 0);
  std::unique_ptr<Connection> c(new Connection(ex, raw));
  c->prepare_ = o.prepare_statements;
  if (raw == nullptr || PQstatus(raw) == CONNECTION_BAD) c->fail("connect");
  if (PQsetnonblocking(raw, 1) != 0) c->fail("connect");

  PostgresPollingStatusType poll = PGRES_POLLING_WRITING;
  for (;;) {
    if (poll == PGRES_POLLING_OK) break;
    if (poll == PGRES_POLLING_FAILED) c->fail("connect");
    // libpq may have replaced its socket in the last round (next host or
    // address, SSL refused, GSS fallback): watch the current one.
    c->watch_socket();
    bool ready = co_await c->wait_ready(poll == PGRES_POLLING_READING, poll == PGRES_POLLING_WRITING, deadline);
    if (!ready) {
      c->broken_ = true;
      throw DbError("connect: the database did not answer in time", "", true);
    }
    poll = PQconnectPoll(raw);
  }
  c->watch_socket();
  co_return c;
}

Task<void> Connection::flush(Clock::time_point deadline) {
  for (;;) {
    int r = PQflush(conn_);
    if (r == 0) co_return;
    if (r < 0) fail("send");
    co_await wait(true, true, deadline);
    if (PQconsumeInput(conn_) == 0) fail("receive");
  }
}

Task<PGresult*> Connection::next_result(Clock::time_point deadline) {
  while (PQisBusy(conn_) != 0) {
    co_await wait(true, false, deadline);
    if (PQconsumeInput(conn_) == 0) fail("receive");
  }
  co_return PQgetResult(conn_);
}

namespace {
struct ParamArrays {
  std::vector<const char*> values;
  explicit ParamArrays(const Params& params) {
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.value ? p.value->c_str() : nullptr);
  }
};
}  // namespace

Task<Result> Connection::exec(std::string_view sql, const Params& params, std::chrono::milliseconds timeout) {
  std::vector<StatementRef> one{StatementRef{sql, &params}};
  auto results = co_await round_trip(one, timeout);
  co_return std::move(results.front());
}

Task<void> Connection::exec_script(std::string_view sql, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  if (!alive()) throw DbError("connection closed by the server", "", true, true);
  std::string text(sql);
  if (PQsendQuery(conn_, text.c_str()) == 0) fail("send");
  co_await finish_query(deadline);
}

// Sends what is queued and reads every result of one query; the last one is
// returned, the first error thrown.
Task<Result> Connection::finish_query(Clock::time_point deadline) {
  co_await flush(deadline);
  Result out;
  std::optional<DbError> error;
  while (PGresult* r = co_await next_result(deadline)) {
    if (is_error(r) && !error) error = result_error(r);
    out = Result(r);
  }
  if (PQstatus(conn_) != CONNECTION_OK) fail("connection lost");
  if (error) throw *error;
  co_return out;
}

std::string Connection::send_statement(std::string_view text, const Params& params) {
  ParamArrays arrays(params);
  const int n = static_cast<int>(params.size());
  std::string preparing;
  auto known = prepared_.find(text);
  if (known == prepared_.end() && prepare_ && prepare_works.load() && prepared_.size() < kMaxPrepared &&
      preparable(text)) {
    preparing = "wh" + std::to_string(++next_name_);
    known = prepared_.emplace(std::string(text), preparing).first;
    if (PQsendPrepare(conn_, preparing.c_str(), known->first.c_str(), n, nullptr) == 0) fail("send");
  }
  int sent = 0;
  if (known != prepared_.end()) {
    sent = PQsendQueryPrepared(conn_, known->second.c_str(), n, arrays.values.data(), nullptr, nullptr, 0);
  } else {
    const std::string terminated(text);  // libpq wants a C string; a view need not end in one
    sent = PQsendQueryParams(conn_, terminated.c_str(), n, nullptr, arrays.values.data(), nullptr, nullptr, 0);
  }
  if (sent == 0) fail("send");
  return preparing;
}

void Connection::forget_if_stale(const DbError& error) {
  // 26000: the name is unknown to the server; 0A000 "cached plan must not
  // change result type": the table changed under the prepared statement.
  if (error.sqlstate() == "26000") {
    if (prepare_works.exchange(false)) {
      log::error(
          "the database lost a prepared statement (a pooler without prepared-statement support?):"
          " statements run unprepared from now on; set DB_PREPARED_STATEMENTS=false",
          {{"error", error.what()}});
    }
    broken_ = true;
  } else if (error.sqlstate() == "0A000" &&
             std::string_view(error.what()).find("cached plan") != std::string_view::npos) {
    broken_ = true;
  }
}

Task<std::vector<Result>> Connection::pipeline(const std::vector<Statement>& statements,
                                               std::chrono::milliseconds timeout) {
  std::vector<StatementRef> refs;
  refs.reserve(statements.size());
  for (const auto& st : statements) refs.push_back(StatementRef{st.sql, &st.params});
  co_return co_await round_trip(refs, timeout);
}

Task<std::vector<Result>> Connection::round_trip(const std::vector<StatementRef>& statements,
                                                 std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  if (!alive()) throw DbError("connection closed by the server", "", true, true);
  if (PQenterPipelineMode(conn_) == 0) fail("pipeline");
  std::vector<std::string> preparing;  // per statement: the name whose Parse answers first, or ""
  preparing.reserve(statements.size());
  for (const auto& s : statements) preparing.push_back(send_statement(s.sql, *s.params));
  if (PQpipelineSync(conn_) == 0) fail("send");
  co_await flush(deadline);

  std::vector<Result> out;
  out.reserve(statements.size());
  std::optional<DbError> error;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const int answers = preparing[i].empty() ? 1 : 2;  // a Parse answers before its statement
    Result last;
    for (int answer = 0; answer < answers; ++answer) {
      bool failed = false;
      while (PGresult* r = co_await next_result(deadline)) {
        if (is_error(r)) {
          failed = true;
          if (!error) error = result_error(r);
        }
        last = Result(r);
      }
      if (answer + 1 < answers && failed) {
        if (auto it = prepared_.find(statements[i].sql); it != prepared_.end()) prepared_.erase(it);
      }
    }
    out.push_back(std::move(last));
  }
  // The sync point closes the pipeline.
  PGresult* sync = co_await next_result(deadline);
  if (sync == nullptr || PQresultStatus(sync) != PGRES_PIPELINE_SYNC) {
    if (sync) PQclear(sync);
    fail("pipeline out of step");
  }
  PQclear(sync);
  if (PQexitPipelineMode(conn_) == 0) fail("pipeline exit");
  if (error) {
    forget_if_stale(*error);
    throw *error;
  }
  co_return out;
}

Task<std::vector<std::string>> Connection::notifications(std::chrono::milliseconds max_wait) {
  std::vector<std::string> out;
  auto drain = [&] {
    while (PGnotify* n = PQnotifies(conn_)) {
      out.emplace_back(n->extra ? n->extra : "");
      PQfreemem(n);
    }
  };
  if (PQconsumeInput(conn_) == 0) fail("receive");
  drain();
  if (!out.empty()) co_return out;
  bool readable = co_await wait_ready(true, false, Clock::now() + max_wait);
  if (readable) {
    if (PQconsumeInput(conn_) == 0) fail("receive");
    drain();
  }
  if (PQstatus(conn_) != CONNECTION_OK) fail("connection lost");
  co_return out;
}

}  // namespace wh::db
