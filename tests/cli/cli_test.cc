// The real `wighaven` binary (WH_TEST_BINARY), run as a child process.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "audit/fake_cloudflare_analytics.h"
#include "support/child_server.h"
#include "support/http_client.h"
#include "support/test_env.h"

extern char** environ;

namespace wh::test {
namespace {

struct RunResult {
  int exit_code = -1;  // -1: killed / did not exit
  std::string out;
  std::string err;
};

std::string binary() {
  const char* b = std::getenv("WH_TEST_BINARY");
  return b ? b : "";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the binary with `args`; `env` overrides (nullopt removes) variables of
// the current environment. Kills it after `timeout`.
RunResult run(const std::vector<std::string>& args, const std::map<std::string, std::optional<std::string>>& env = {},
              std::chrono::seconds timeout = std::chrono::seconds(60)) {
  RunResult result;
  std::string bin = binary();
  if (bin.empty()) {
    ADD_FAILURE() << "WH_TEST_BINARY is not set: run the tests via ./test.sh";
    return result;
  }
  char out_path[] = "/tmp/wh_cli_out_XXXXXX";
  char err_path[] = "/tmp/wh_cli_err_XXXXXX";
  int out_fd = mkstemp(out_path);
  int err_fd = mkstemp(err_path);
  EXPECT_GE(out_fd, 0);
  EXPECT_GE(err_fd, 0);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    std::string key = kv.substr(0, kv.find('='));
    if (env.count(key) == 0) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env) {
    if (v) env_strings.push_back(k + "=" + *v);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_strings{bin};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_fd);
  close(err_fd);
  if (rc != 0) {
    ADD_FAILURE() << "posix_spawn " << bin << " failed: " << rc;
  } else {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid) {
        if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        ADD_FAILURE() << "the command did not exit within " << timeout.count() << " s";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  unlink(out_path);
  unlink(err_path);
  return result;
}

TEST(CliTest, HelpExitsZeroAndPrintsUsage) {
  for (const char* flag : {"--help", "-h", "help"}) {
    auto r = run({flag});
    EXPECT_EQ(r.exit_code, 0) << flag << "\n" << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << flag << "\n" << r.out;
  }
}

TEST(CliTest, NoArgumentsPrintsUsageAndExits2) {
  auto r = run({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("Usage"), std::string::npos) << r.err;
}

TEST(CliTest, UnknownCommandExits2) {
  auto r = run({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
}

TEST(CliTest, SeedWithANonNumericCountExits2) {
  auto r = run({"seed", "--products", "abc"}, {{"DATABASE_URL", db_url("wh_no_such_db")}});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--products"), std::string::npos) << r.err;
}

TEST(CliTest, SeedCountValidation) {
  const std::map<std::string, std::optional<std::string>> env{{"DATABASE_URL", db_url("wh_no_such_db")}};
  EXPECT_EQ(run({"seed", "--orders", "-3"}, env).exit_code, 2);
  EXPECT_EQ(run({"seed", "--customers", "10000001"}, env).exit_code, 2);
  EXPECT_EQ(run({"seed", "--categories"}, env).exit_code, 2) << "a flag without its value";
  EXPECT_EQ(run({"seed", "--products", "5x"}, env).exit_code, 2);
  EXPECT_EQ(run({"seed", "--bogus"}, env).exit_code, 2);
  EXPECT_EQ(run({"seed", "--categories", "0", "--products", "5"}, env).exit_code, 2);
}

TEST(CliTest, SeedWithAnEmptyCountExits2) {
  auto r = run({"seed", "--products", ""}, {{"DATABASE_URL", db_url("wh_no_such_db")}});
  EXPECT_EQ(r.exit_code, 2) << "an empty --products value was taken as 0\n" << r.out << r.err;
}

TEST(CliTest, ServeWithoutDatabaseUrlFails) {
  auto r = run({"serve"}, {{"DATABASE_URL", std::nullopt}, {"PORT", "0"}}, std::chrono::seconds(30));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, -1);
  EXPECT_NE(r.err.find("DATABASE_URL"), std::string::npos) << r.err;
}

TEST(CliTest, ServeRefusesAMissingOrShortJwtSecret) {
  for (std::optional<std::string> secret : {std::optional<std::string>(), std::optional<std::string>("short")}) {
    auto r = run({"serve"}, {{"DATABASE_URL", db_url("postgres")}, {"JWT_SECRET", secret}, {"PORT", "0"}},
                 std::chrono::seconds(30));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.exit_code, -1) << "serve started with an unusable JWT secret";
    EXPECT_NE(r.err.find("JWT_SECRET"), std::string::npos) << r.err;
  }
}

// The environment of a production `serve` that is fine but for what a test changes.
std::map<std::string, std::optional<std::string>> production_env() {
  return {{"NODE_ENV", "production"},
          {"DATABASE_URL", db_url("postgres")},
          {"JWT_SECRET", "test-secret-0123456789-0123456789-0123456789"},
          {"PORT", "0"},
          {"ORIGIN_SECRET", std::nullopt},
          {"TRUSTED_PROXIES", std::nullopt},
          {"TRUSTED_PROXIES_FILE", std::nullopt},
          {"RATE_LIMITS", std::nullopt}};
}

TEST(CliTest, ProductionServeRefusesAnUntrustableClientIp) {
  auto r = run({"serve"}, production_env(), std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 1) << "serve started in production without a way to trust the client IP\n" << r.err;
  EXPECT_NE(r.err.find("refusing to serve in production"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("set ORIGIN_SECRET to a random value of at least 32 characters"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("or set TRUSTED_PROXIES"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("listening"), std::string::npos) << r.out;
}

TEST(CliTest, ProductionServeRefusesAShortOriginSecret) {
  auto env = production_env();
  env["ORIGIN_SECRET"] = "short-secret";
  auto r = run({"serve"}, env, std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("ORIGIN_SECRET is 12 characters long: set it to a random value of at least 32 characters"),
            std::string::npos)
      << r.err;
}

TEST(CliTest, ProductionServeRefusesRateLimitsOff) {
  auto env = production_env();
  env["TRUSTED_PROXIES"] = "10.0.0.0/8";
  env["RATE_LIMITS"] = "false";
  auto r = run({"serve"}, env, std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("rate limits are off: unset RATE_LIMITS or set RATE_LIMITS=true"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("ORIGIN_SECRET"), std::string::npos) << "the client IP is trusted here\n" << r.err;
}

TEST(CliTest, DevelopmentServeIsNotHeldToProductionRules) {
  // Same settings in development: past the production check, it fails only
  // on the missing JWT secret (checked later by serve).
  auto env = production_env();
  env["NODE_ENV"] = "development";
  env["RATE_LIMITS"] = "false";
  env["JWT_SECRET"] = std::nullopt;
  auto r = run({"serve"}, env, std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err.find("production"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("JWT_SECRET"), std::string::npos) << r.err;
}

TEST(CliTest, BadEnvironmentIsReported) {
  auto r = run({"migrate"}, {{"PORT", "abc"}, {"DATABASE_URL", db_url("postgres")}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("PORT"), std::string::npos) << r.err;
}

TEST(CliTest, MigrateAppliesEverythingThenNothing) {
  ScratchDb scratch(false);
  const std::map<std::string, std::optional<std::string>> env{{"DATABASE_URL", scratch.url()},
                                                              {"DIRECT_URL", std::nullopt}};
  auto r = run({"migrate"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("applied"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("migrate: applied 0001_base_schema"), std::string::npos) << r.out;
  EXPECT_EQ(sql(scratch.name(), "SELECT to_regclass('public.products') IS NOT NULL"), "t");

  auto again = run({"migrate"}, env);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out.find("migrate: applied 0"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("0 applied"), std::string::npos) << again.out;
}

TEST(CliTest, MigrateAgainstAMissingDatabaseFails) {
  auto r = run({"migrate"}, {{"DATABASE_URL", db_url("wh_no_such_db")}, {"DIRECT_URL", std::nullopt}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("wighaven:"), std::string::npos) << r.err;
}

TEST(CliTest, SeedThenSeedAgainIsSkipped) {
  ScratchDb scratch(false);
  const std::map<std::string, std::optional<std::string>> env{{"DATABASE_URL", scratch.url()},
                                                              {"DIRECT_URL", std::nullopt}};
  ASSERT_EQ(run({"migrate"}, env).exit_code, 0);
  auto r = run({"seed", "--products", "12", "--categories", "3", "--customers", "2", "--orders", "4"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("12 products"), std::string::npos) << r.out;
  EXPECT_EQ(sql(scratch.name(), "SELECT count(*) FROM products"), "12");
  auto again = run({"seed", "--products", "12", "--categories", "3"}, env);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("nothing done"), std::string::npos) << again.out;
  EXPECT_EQ(sql(scratch.name(), "SELECT count(*) FROM products"), "12");
}

// `wighaven audit` against a running server: its metrics through the
// metrics token, this binary's route table, and the edge's hit rate from a
// fake of Cloudflare's analytics.
TEST(CliTest, AuditReportsOnARunningServerWithTheEdgeHitRate) {
  const std::string metrics_token = "metrics-token-0123456789";
  ScratchDb db;
  ChildServer server(db.name(), {{"METRICS_TOKEN", metrics_token}});
  for (int i = 0; i < 30; ++i) ASSERT_EQ(HttpClient(server.port()).get("/api/products?limit=3").status, 200);
  FakeCloudflareAnalytics cloudflare;
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  std::map<std::string, std::optional<std::string>> env{{"METRICS_TOKEN", metrics_token},
                                                        {"CLOUDFLARE_ANALYTICS_TOKEN", FakeCloudflareAnalytics::kToken},
                                                        {"CLOUDFLARE_ZONE_ID", FakeCloudflareAnalytics::kZone},
                                                        {"CLOUDFLARE_API_BASE_URL", cloudflare.base_url()},
                                                        {"DATABASE_URL", db.url()}};

  auto r = run({"audit", "--url", url, "--format", "json", "--set", "hitRateFloor=0.8"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = boost::json::parse(r.out).as_object();
  auto summary = doc.at("executiveSummary").as_object();
  EXPECT_GE(summary.at("requests").to_number<double>(), 30);
  EXPECT_GT(summary.at("windowSeconds").to_number<double>(), 0);
  EXPECT_DOUBLE_EQ(summary.at("edgeHitRate").to_number<double>(), 0.625) << summary;
  bool lists = false;
  for (const auto& v : doc.at("recommendations").at("caches").as_array()) {
    if (v.at("cache") != "product_lists") continue;
    lists = true;
    EXPECT_NEAR(v.at("edgeHitRate").to_number<double>(), 100.0 / 110, 1e-9) << v;
    EXPECT_GT(v.at("hitRate").to_number<double>(), 0.9) << v;
  }
  EXPECT_TRUE(lists);
  ASSERT_EQ(cloudflare.requests().size(), 1u);
  EXPECT_NE(cloudflare.requests()[0].body.find(FakeCloudflareAnalytics::kZone), std::string::npos);

  auto md = run({"audit", "--url", url + "/"}, env);
  ASSERT_EQ(md.exit_code, 0) << md.err;
  for (const char* h : {"## Executive summary", "## Critical issues", "## Recommendations", "## Implementation plan",
                        "## Configuration examples", "62.5%"}) {
    EXPECT_NE(md.out.find(h), std::string::npos) << h << "\n" << md.out;
  }

  auto no_edge =
      run({"audit", "--url", url}, {{"METRICS_TOKEN", metrics_token}, {"CLOUDFLARE_ANALYTICS_TOKEN", std::nullopt}});
  ASSERT_EQ(no_edge.exit_code, 0) << no_edge.err;
  EXPECT_NE(no_edge.out.find("unknown (no Cloudflare analytics token configured)"), std::string::npos);

  // Not a WigHaven server (the fake answers 404 to /metrics): nothing to report.
  auto not_ours = run({"audit", "--url", cloudflare.base_url()}, env);
  EXPECT_EQ(not_ours.exit_code, 1);
  EXPECT_NE(not_ours.err.find("answered 404"), std::string::npos) << not_ours.err;
  EXPECT_EQ(run({"audit", "--url", url, "--set", "hitRate=1"}, env).exit_code, 2);
  EXPECT_EQ(run({"audit", "--url", "localhost"}, env).exit_code, 2);
  EXPECT_EQ(run({"audit"}, env).exit_code, 2);
  EXPECT_EQ(run({"audit", "--url", "http://127.0.0.1:1"}, env).exit_code, 1);
}

}  // namespace
}  // namespace wh::test
