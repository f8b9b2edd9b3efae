#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/log_ring.h"
#include "core/time.h"

namespace wh::log {
namespace {

// The server's writer (init(true)): lines are appended to one buffer and a
// single thread writes them to stdout in batches, one write() per batch, at
// least every kFlushInterval and at once after a warning or an error. A
// request thread never blocks on the terminal and wakes no thread per line:
// the asynchronous spdlog logger used before signalled a condition variable
// and flushed stdout for every line, a futex wake-up, a context switch and a
// write() per request with the access log on (the largest items of the
// /healthz profile at 1,000 connections, bench/RESULTS.md). When stdout
// blocks and kMaxPending bytes wait, further lines are dropped and counted,
// as the old logger's overrun did, and the count is logged once writing
// resumes.
constexpr auto kFlushInterval = std::chrono::milliseconds(100);
constexpr std::size_t kMaxPending = 8 * 1024 * 1024;

// The recent lines (log.h), guarded by their owner's lock: the batch
// writer's mutex in the server, sync_rings().mu otherwise.
struct Rings {
  LineRing all{kRecentBytes};
  LineRing warnings{kRecentWarnBytes};

  void add(std::string_view line, bool warning) {
    all.append(line);
    if (warning) warnings.append(line);
  }
  std::string contents(Recent which) const { return which == Recent::all ? all.contents() : warnings.contents(); }
};

// Appends the lines of `text` (LineRing::contents()) to `ring`.
void refill(LineRing& ring, std::string_view text) {
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    ring.append(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

struct SyncRings {
  std::mutex mu;
  Rings rings;
};
SyncRings& sync_rings() {
  static SyncRings r;
  return r;
}

// Made once by init(true) and never destroyed: lines logged while the
// process exits still have somewhere to go (serve() flushes before it
// returns).
class BatchWriter {
 public:
  // Takes over the lines written before (by the synchronous path).
  BatchWriter() : thread_([this] { run(); }) {
    thread_.detach();
    std::string all, warnings;
    {
      std::lock_guard lock(sync_rings().mu);
      all = sync_rings().rings.all.contents();
      warnings = sync_rings().rings.warnings.contents();
    }
    std::lock_guard lock(mu_);
    refill(rings_.all, all);
    refill(rings_.warnings, warnings);
  }
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // `urgent`: a warning or an error (written at once, and kept apart).
  void append(const std::string& line, bool urgent) {
    {
      std::lock_guard lock(mu_);
      // Under the lock taken anyway: a copy into preallocated memory.
      rings_.add(line, urgent);
      if (pending_.size() + line.size() + 1 > kMaxPending) {
        ++dropped_;
        return;
      }
      pending_ += line;
      pending_ += '\n';
      ++appended_;
      if (!urgent || urgent_) return;
      urgent_ = true;
    }
    wake_.notify_one();
  }

  std::string recent(Recent which) {
    std::lock_guard lock(mu_);
    return rings_.contents(which);
  }

  // Returns once every line appended before the call is written.
  void flush() {
    std::unique_lock lock(mu_);
    const std::uint64_t target = appended_;
    urgent_ = true;
    wake_.notify_one();
    written_cv_.wait(lock, [&] { return written_ >= target; });
  }

 private:
  void run() {
    std::string batch;
    std::unique_lock lock(mu_);
    for (;;) {
      wake_.wait_for(lock, kFlushInterval, [&] { return urgent_; });
      batch.swap(pending_);
      const std::uint64_t upto = appended_;
      const std::uint64_t dropped = std::exchange(dropped_, 0);
      urgent_ = false;
      lock.unlock();
      if (dropped > 0) {
        batch += R"({"ts":")" + iso_now() +
                 R"(","level":"warn","msg":"log lines dropped: stdout was blocked","dropped":)" +
                 std::to_string(dropped) + "}\n";
      }
      write_all(batch);
      batch.clear();
      lock.lock();
      written_ = upto;
      written_cv_.notify_all();
    }
  }

  static void write_all(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(STDOUT_FILENO, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // stdout is gone: nothing else to do with the lines
      done += static_cast<std::size_t>(n);
    }
  }

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable written_cv_;
  std::string pending_;
  std::uint64_t appended_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t dropped_ = 0;
  bool urgent_ = false;
  Rings rings_;
  std::thread thread_;  // last: started once the members above exist
};

BatchWriter*& batch_writer() {
  static BatchWriter* w = nullptr;
  return w;
}

// Commands and in-process test servers: written at once, in the caller.
std::shared_ptr<spdlog::logger>& sync_logger() {
  static std::shared_ptr<spdlog::logger> l = spdlog::stdout_logger_mt("wh-sync");
  return l;
}

void emit(spdlog::level::level_enum lvl, const std::string& text) {
  if (BatchWriter* w = batch_writer()) {
    w->append(text, lvl >= spdlog::level::warn);
  } else {
    {
      std::lock_guard lock(sync_rings().mu);
      sync_rings().rings.add(text, lvl >= spdlog::level::warn);
    }
    sync_logger()->log(lvl, "{}", text);
  }
}

const char* level_name(Level l) { return l == Level::info ? "info" : l == Level::warn ? "warn" : "error"; }

spdlog::level::level_enum spdlog_level(Level l) {
  return l == Level::info ? spdlog::level::info : l == Level::warn ? spdlog::level::warn : spdlog::level::err;
}

void write(Level level, std::string_view msg, boost::json::object fields) {
  boost::json::object line;
  line.reserve(fields.size() + 3);
  line["ts"] = iso_now();
  line["level"] = level_name(level);
  line["msg"] = msg;
  for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
  emit(spdlog_level(level), boost::json::serialize(line));
}

// Appends `v` as a JSON string: verbatim when nothing needs escaping (the
// usual case), else as Boost.JSON escapes it.
void append_json_string(std::string& out, std::string_view v) {
  const bool plain = std::all_of(v.begin(), v.end(),
                                 [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\'; });
  if (!plain) {
    out += boost::json::serialize(boost::json::string_view(v.data(), v.size()));
    return;
  }
  out += '"';
  out += v;
  out += '"';
}

// iso_now(), with the date and time to the second formatted once a second
// per thread: the access log writes one per request.
void append_iso_now(std::string& out) {
  thread_local std::int64_t cached_second = -1;
  thread_local std::string cached;  // "YYYY-MM-DDTHH:MM:SS."
  const auto now = std::chrono::system_clock::now();
  const auto whole = std::chrono::floor<std::chrono::seconds>(now);
  const std::int64_t second = whole.time_since_epoch().count();
  if (second != cached_second) {
    cached = iso_time(whole);
    cached.resize(cached.size() - 4);  // drop "000Z"
    cached_second = second;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - whole).count();
  out += cached;
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
}

}  // namespace

void init(bool async) {
  if (async && batch_writer() == nullptr) batch_writer() = new BatchWriter();  // never deleted (above)
  sync_logger()->set_pattern("%v");
  sync_logger()->flush_on(spdlog::level::warn);
}

void info(std::string_view msg, boost::json::object fields) { write(Level::info, msg, std::move(fields)); }
void warn(std::string_view msg, boost::json::object fields) { write(Level::warn, msg, std::move(fields)); }
void error(std::string_view msg, boost::json::object fields) { write(Level::error, msg, std::move(fields)); }

Line::Line(Level level, std::string_view msg) : level_(level) {
  text_.reserve(320);
  text_ += R"({"ts":")";
  append_iso_now(text_);
  text_ += R"(","level":")";
  text_ += level_name(level);
  text_ += R"(","msg":)";
  append_json_string(text_, msg);
}

Line& Line::key(std::string_view k) {
  text_ += ",\"";
  text_ += k;
  text_ += "\":";
  return *this;
}

Line& Line::str(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(text_, value);
  return *this;
}

Line& Line::num(std::string_view k, long long value) {
  key(k);
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  text_.append(buf, r.ptr);
  return *this;
}

Line& Line::num(std::string_view k, double value) {
  key(k);
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  text_.append(buf, r.ptr);
  return *this;
}

void Line::write() {
  text_ += '}';
  emit(spdlog_level(level_), text_);
}

std::vector<std::string> recent(Recent which, std::size_t max_lines) {
  std::string text;
  if (BatchWriter* w = batch_writer()) {
    text = w->recent(which);
  } else {
    std::lock_guard lock(sync_rings().mu);
    text = sync_rings().rings.contents(which);
  }
  return last_lines(text, max_lines);
}

void flush() {
  if (BatchWriter* w = batch_writer()) w->flush();
  sync_logger()->flush();
}

}  // namespace wh::log
