// Who is calling, as every module sees it. The authentication stage (the
// accounts module) is the only code that sets it; it may store a type
// derived from Identity carrying its own details.
#pragma once
#include <string>

namespace wh::web {

struct Identity {
  std::string id;
  std::string email;
  std::string role;  // customer | admin | super_admin
  bool active = false;
  bool email_verified = false;

  bool is_admin() const { return role == "admin" || role == "super_admin"; }
};

}  // namespace wh::web
