// PostgreSQL over a WebSocket (DATABASE_TRANSPORT=websocket): libpq
// connects to a loopback port of ours, and each of its connections is
// carried over its own `wss://` connection, as binary frames holding the
// ordinary protocol bytes (Neon's `wss://<endpoint host>/v2`, the transport
// of its serverless driver). For platforms that only let a process connect
// out on 80/443/8080 (Hugging Face Spaces), where libpq's TCP to 5432 is
// refused.
//
// - TLS is at the WebSocket layer: the certificate chain is verified
//   against the system store plus an optional PEM file, the host name is
//   checked against the certificate and sent as SNI. libpq itself runs
//   with sslmode=disable inside the tunnel (channel binding cannot apply).
// - One loopback listener per distinct wss target, on 127.0.0.1 and an
//   ephemeral port, reachable by any local process (like a database on
//   localhost: the protocol's own authentication still applies).
// - Back-pressure both ways: one read per direction at a time, the next
//   only once its bytes were written to the other side.
// - Keep-alive: after idle_timeout/2 without a frame the peer is pinged;
//   after idle_timeout it is dropped. Either side closing closes the other.
// - Resolving, connecting, the TLS and WebSocket handshakes are bounded by
//   connect_timeout. On failure libpq gets an ErrorResponse naming the
//   reason ("pg websocket bridge: TLS handshake with <host> failed: ..."),
//   so its connection error is immediate and says why; the reason is also
//   logged once. Neither ever holds a password.
//
// The bridge runs on its own io_context and thread (started by the
// constructor, joined by the destructor): blocking libpq use (the
// command-line tools) works through it as well as the server's event loop.
// Destroying it ends every tunnel (libpq sees its connection closed).
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace wh::http {

struct PgWebSocketOptions {
  // "" = wss://<host of the libpq URL>/v2 (port 443). Otherwise every
  // connection goes to this wss:// URL (a proxy, a test relay) with
  // `address=<libpq host>:<libpq port>` added to its query, as Neon's
  // serverless driver does for a proxy URL.
  std::string ws_url_override;
  std::string ca_file;  // PEM CAs trusted besides the system store ("" = none)
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds idle_timeout{30000};
};

struct PgWebSocketStats {
  std::uint64_t accepted = 0;  // local connections from libpq
  std::uint64_t opened = 0;    // tunnels whose WebSocket handshake completed
  std::uint64_t failed = 0;    // tunnels that could not be opened
  std::uint64_t open = 0;      // tunnels open now
};

class PgWebSocketBridge {
 public:
  // Throws std::runtime_error when the CA file cannot be loaded or the
  // override is not a wss:// URL.
  explicit PgWebSocketBridge(PgWebSocketOptions options);
  ~PgWebSocketBridge();
  PgWebSocketBridge(const PgWebSocketBridge&) = delete;
  PgWebSocketBridge& operator=(const PgWebSocketBridge&) = delete;

  // The key=value conninfo that reaches the database of `libpq_url` (URL
  // or key=value form) through the bridge: the same user, password,
  // dbname, options and other settings, with host=hostaddr=127.0.0.1, the
  // port of the listener for its wss target (started on first use),
  // sslmode=disable and gssencmode=disable; the TLS settings
  // (sslrootcert, channel_binding, ...) are dropped. Thread-safe. Throws
  // std::runtime_error (without the URL: it may hold a password) when it
  // does not parse or names no single TCP host.
  std::string local_conninfo(const std::string& libpq_url);

  PgWebSocketStats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// `value` for a key=value conninfo: as it is when it holds only letters,
// digits and . _ - / : @ (so a conninfo of plain values can sit in a shell
// word in single quotes), otherwise in single quotes with \ and ' escaped by
// a backslash.
std::string conninfo_quote(const std::string& value);

}  // namespace wh::http
