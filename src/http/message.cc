#include "http/message.h"

#include <strings.h>

#include "core/text.h"

namespace wh::http {

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// True when the comma-separated `list` holds `token` (ignoring case and
// spaces around the items).
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    auto comma = list.find(',');
    if (same_name(trimmed(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool is_websocket_upgrade(const Request& req) {
  if (req.method != "GET") return false;
  auto connection = req.header("connection");
  auto upgrade = req.header("upgrade");
  auto version = req.header("sec-websocket-version");
  auto key = req.header("sec-websocket-key");
  return connection && has_token(*connection, "upgrade") && upgrade && has_token(*upgrade, "websocket") && version &&
         *version == "13" && key && !key->empty();
}

std::optional<std::string_view> Request::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

void Response::set_header(HeaderName name, Bytes value) {
  for (auto& h : headers) {
    if (same_name(h.name.view(), name.view())) {
      h.value = std::move(value);
      return;
    }
  }
  headers.push_back(Header{name, std::move(value)});
}

std::optional<std::string_view> Response::find_header(std::string_view name) const {
  for (const auto& h : headers) {
    if (same_name(h.name.view(), name)) return h.value.view();
  }
  return std::nullopt;
}

void Response::erase_header(std::string_view name) {
  std::erase_if(headers, [&](const Header& h) { return same_name(h.name.view(), name); });
}

Response Response::json(Bytes body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace wh::http
