// Deterministic demo shop for development, tests and benchmarks.
#pragma once
#include <string>

namespace wh::db {

struct SeedOptions {
  int categories = 12;
  int products = 1000;
  int customers = 50;
  int orders = 400;
  bool force = false;    // seed even when the database already holds products
  bool progress = true;  // print a progress line to stderr
};

struct SeedSummary {
  bool skipped = false;  // the database already had a catalog and !force
  int categories = 0, products = 0, variants = 0, customers = 0, orders = 0, banners = 0;
};

// Admin login created by the seed (printed by run.sh).
inline constexpr const char* kDemoAdminEmail = "admin@wighaven.local";
inline constexpr const char* kDemoAdminPassword = "Admin@12345";
inline constexpr const char* kDemoCustomerPassword = "Customer@123";

// Fills the database at `url` (already migrated). Blocking; meant for the CLI.
SeedSummary seed(const std::string& url, const SeedOptions& options);

}  // namespace wh::db
