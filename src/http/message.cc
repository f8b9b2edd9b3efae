#include "http/message.h"

#include <strings.h>

namespace wh::http {

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

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
