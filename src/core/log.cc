#include "core/log.h"

#include "core/time.h"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <ctime>

namespace wh::log {
namespace {

std::shared_ptr<spdlog::logger>& logger() {
  static std::shared_ptr<spdlog::logger> l = spdlog::stdout_logger_mt("wh-sync");
  return l;
}

void write(spdlog::level::level_enum lvl, const char* name, std::string_view msg, boost::json::object fields) {
  boost::json::object line;
  line.reserve(fields.size() + 3);
  line["ts"] = iso_now();
  line["level"] = name;
  line["msg"] = msg;
  for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
  logger()->log(lvl, "{}", boost::json::serialize(line));
}

}  // namespace

void init(bool async) {
  if (async) {
    spdlog::init_thread_pool(8192, 1);
    logger() = spdlog::create_async_nb<spdlog::sinks::stdout_sink_mt>("wh");
  }
  logger()->set_pattern("%v");
  logger()->flush_on(spdlog::level::warn);
}

void info(std::string_view msg, boost::json::object fields) {
  write(spdlog::level::info, "info", msg, std::move(fields));
}
void warn(std::string_view msg, boost::json::object fields) {
  write(spdlog::level::warn, "warn", msg, std::move(fields));
}
void error(std::string_view msg, boost::json::object fields) {
  write(spdlog::level::err, "error", msg, std::move(fields));
}
void flush() { logger()->flush(); }

}  // namespace wh::log
