// The e-mail templates (templates/mail/, embedded in the binary at build
// time by cmake/embed_files.cmake) rendered with Mustache (kainjow, Debian's
// libkainjow-mustache-dev).
//
// Each e-mail <name> has <name>.html and <name>.txt; both are rendered with
// the e-mail's variables (mail_values.h) plus `common`, then put into
// layout.html / layout.txt as {{{content}}}. In the HTML part every {{x}}
// is HTML-escaped; the text part is not escaped (it is not HTML).
//
// The cache "mail-templates" compiles each file once, on first use, and
// keeps it for the process's life (templates cannot change at run time);
// wh_mail_template_cache_total{result="hit"|"compile"} counts look-ups.
// Thread-safe (one mutex: renders are short and come from the mail worker).
#pragma once
#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/registry.h"

namespace kainjow::mustache {
template <typename S>
class basic_mustache;
}

namespace wh::mail {

struct EmbeddedFile {
  const char* name;  // "welcome.html"
  const char* text;
};
// Generated at build time from templates/mail/*.html and *.txt.
const std::vector<EmbeddedFile>& embedded_templates();

struct RenderedEmail {
  std::string html;
  std::string text;
};

// An unknown template, or one that does not compile: the e-mail cannot be
// sent, now or later.
class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TemplateLibrary {
 public:
  explicit TemplateLibrary(metrics::Registry& registry, const std::vector<EmbeddedFile>& files = embedded_templates());
  ~TemplateLibrary();
  TemplateLibrary(const TemplateLibrary&) = delete;
  TemplateLibrary& operator=(const TemplateLibrary&) = delete;

  // Whether <name>.html and <name>.txt exist.
  bool has(std::string_view name) const;
  // The names of every e-mail (not the layout), sorted.
  std::vector<std::string> names() const;
  // Renders e-mail `name`; `common` values (shop_name, links, the
  // unsubscribe link) win over `variables` of the same name. Throws
  // TemplateError.
  RenderedEmail render(const std::string& name, const boost::json::object& variables,
                       const boost::json::object& common);

  // Files compiled so far (a file is compiled at most once).
  std::size_t compiled() const;

 private:
  using Compiled = kainjow::mustache::basic_mustache<std::string>;
  Compiled& compiled_file(const std::string& file);  // with mu_ held

  std::map<std::string, std::string, std::less<>> sources_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Compiled>> cache_;
  metrics::Counter& hits_;
  metrics::Counter& compiles_;
};

}  // namespace wh::mail
