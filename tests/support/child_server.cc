#include "support/child_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/test_env.h"

extern char** environ;

namespace wh::test {

namespace {

unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

ChildServer::ChildServer(const std::string& db, const std::map<std::string, std::string>& env) {
  const char* bin = std::getenv("WH_TEST_BINARY");
  if (bin == nullptr) throw std::runtime_error("WH_TEST_BINARY is not set: run the tests via ./test.sh");
  port_ = free_port();
  std::map<std::string, std::string> vars{{"DATABASE_URL", db_url(db)}, {"PORT", std::to_string(port_)},
                                          {"HOST", "127.0.0.1"},        {"JWT_SECRET", test_config(db).jwt_secret},
                                          {"DEBUG_QUERY_HEADERS", "1"}, {"RATE_LIMITS", "false"},
                                          {"ACCESS_LOG", "0"},          {"CLOUDFLARE_PURGE_MODE", "off"},
                                          {"JOBS_ENABLED", "false"}};
  Config config = test_config(db);
  if (config.database_over_websocket()) {
    vars["DATABASE_TRANSPORT"] = config.database_transport;
    vars["DATABASE_WS_URL"] = config.database_ws_url;
    vars["DATABASE_WS_CA_FILE"] = config.database_ws_ca_file;
  }
  for (const auto& [k, v] : env) vars[k] = v;
  std::vector<std::string> strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    if (vars.count(kv.substr(0, kv.find('='))) == 0) strings.push_back(kv);
  }
  for (const auto& [k, v] : vars) strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string path = bin, serve = "serve";
  char* argv[] = {path.data(), serve.data(), nullptr};

  log_path_ = "/tmp/wh_child_server_" + std::to_string(port_) + ".log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  int rc = posix_spawn(&pid_, bin, &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + path);

  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    try {
      if (HttpClient(port_).get("/healthz").status == 200) return;
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("the child server did not start: " + log());
}

ChildServer::~ChildServer() {
  kill(SIGTERM);
  ::unlink(log_path_.c_str());
}

void ChildServer::kill(int sig) {
  if (pid_ <= 0) return;
  ::kill(pid_, sig);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ChildServer::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace wh::test
