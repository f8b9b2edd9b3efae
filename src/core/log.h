// Structured logging: one JSON object per line on stdout. In the server
// (init(true)) lines are written in batches by one writer thread, so
// request threads never block on the terminal nor wake a thread per line
// (log.cc); commands and in-process test servers write each line at once.
#pragma once
#include <boost/json/object.hpp>
#include <string_view>

namespace wh::log {

void init(bool async);
// Writes {"ts":..,"level":..,"msg":..,<fields>} as one line.
void info(std::string_view msg, boost::json::object fields = {});
void warn(std::string_view msg, boost::json::object fields = {});
void error(std::string_view msg, boost::json::object fields = {});
void flush();

}  // namespace wh::log
