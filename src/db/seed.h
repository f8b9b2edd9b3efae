// Deterministic demo shop for development, tests and benchmarks. The content
// lives in seed/*.json (seed_content.h), the rows are built without a
// database (seed_generate.h) and written here.
#pragma once
#include <string>

namespace wh::db {

struct SeedOptions {
  int categories = 12;
  int products = 1000;
  int customers = 50;  // customer accounts: a tenth (rounded down) of them unverified
  int orders = 400;
  bool force = false;    // seed even when the database already holds products
  bool progress = true;  // print a progress line to stderr
};

struct SeedSummary {
  bool skipped = false;  // the database already had a catalog and !force
  int categories = 0, products = 0, variants = 0, customers = 0, orders = 0, banners = 0;
};

// Demo logins created by the seed (printed by `wighaven seed` and run.sh).
// Customers customer1@example.com, customer2@example.com, ... have verified
// e-mail addresses and can sign in; unverified1@example.com, ... have not.
inline constexpr const char* kDemoAdminEmail = "admin@wighaven.local";
inline constexpr const char* kDemoAdminPassword = "Admin@12345";
inline constexpr const char* kDemoCustomerPassword = "Customer@123";

// Fills the database at `url` (already migrated) in one transaction.
// Blocking; meant for the CLI. Throws std::runtime_error (DbError included).
SeedSummary seed(const std::string& url, const SeedOptions& options);

}  // namespace wh::db
