// Owning wrapper of a libpq result. All values are in text format.
#pragma once
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wh::db {

// A failed statement or lost connection. `sqlstate` is the five-character
// SQLSTATE ("" when the connection itself failed). `not_sent`: the
// connection was found closed before the statement left this process, so
// running it elsewhere cannot run it twice.
//
// what() is safe to log: it keeps the server's primary message and drops
// the DETAIL, HINT, CONTEXT and QUERY parts that libpq appends, because they
// quote row contents ("Key (email)=(ama@example.com) already exists",
// "Failing row contains (...)", parameter values). Code that needs to tell
// errors apart uses sqlstate(), never the text.
class DbError : public std::runtime_error {
 public:
  DbError(const std::string& message, std::string sqlstate, bool connection_lost, bool not_sent = false)
      : std::runtime_error(without_row_details(message)),
        sqlstate_(std::move(sqlstate)),
        connection_lost_(connection_lost),
        not_sent_(not_sent) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool connection_lost() const { return connection_lost_; }
  bool not_sent() const { return not_sent_; }
  bool unique_violation() const { return sqlstate_ == "23505"; }

  // `message` up to the first line that starts a DETAIL, HINT, CONTEXT,
  // QUERY or LINE n: part, without trailing newlines.
  static std::string without_row_details(std::string_view message);

 private:
  std::string sqlstate_;
  bool connection_lost_;
  bool not_sent_;
};

class Result {
 public:
  Result() = default;
  explicit Result(PGresult* r) : res_(r, &PQclear) {}

  int rows() const { return res_ ? PQntuples(res_.get()) : 0; }
  int cols() const { return res_ ? PQnfields(res_.get()) : 0; }
  bool empty() const { return rows() == 0; }
  // Rows changed by INSERT/UPDATE/DELETE.
  long affected() const;

  bool is_null(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
  std::string_view get(int row, int col) const {
    return {PQgetvalue(res_.get(), row, col), static_cast<std::size_t>(PQgetlength(res_.get(), row, col))};
  }
  std::optional<std::string_view> get_opt(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return get(row, col);
  }
  std::int64_t get_int(int row, int col) const;
  bool get_bool(int row, int col) const { return get(row, col) == "t"; }
  int col(const char* name) const;  // -1 when absent

 private:
  std::shared_ptr<PGresult> res_;
};

}  // namespace wh::db
