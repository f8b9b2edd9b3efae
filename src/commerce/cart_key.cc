#include "commerce/cart_key.h"

#include <cctype>

#include "core/ids.h"

namespace wh::commerce {

bool plausible_session_id(std::string_view id) {
  if (id.size() < 8 || id.size() > 100) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string new_uuid() {
  std::string h = random_hex(16);
  h[12] = '4';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

CartKey cart_key(web::Context& ctx) {
  CartKey key;
  if (ctx.auth.principal) key.user_id = ctx.auth.principal->id;
  auto sent = ctx.req.header("x-session-id");
  if (sent && plausible_session_id(*sent)) {
    key.session_id = std::string(*sent);
  } else if (key.guest()) {
    key.session_id = new_uuid();
    ctx.add_header("X-Session-ID", http::Bytes(key.session_id));
  }
  return key;
}

}  // namespace wh::commerce
