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
