// Throwaway certificates for TLS tests, made with the OpenSSL API: a CA and
// a server certificate it signed for the given names (subjectAltName).
#pragma once
#include <string>
#include <vector>

namespace wh::test {

struct TestCertificates {
  std::string ca_pem;      // the CA certificate (trust this one)
  std::string server_pem;  // server certificate followed by the CA (the chain)
  std::string server_key_pem;
};

// `alt_names` in subjectAltName syntax, e.g. {"DNS:localhost", "IP:127.0.0.1"}.
TestCertificates make_test_certificates(const std::vector<std::string>& alt_names);

// A file holding `text`, deleted with this object.
class TempFile {
 public:
  explicit TempFile(const std::string& text);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace wh::test
