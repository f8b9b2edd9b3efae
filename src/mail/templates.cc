#include "mail/templates.h"

#include <kainjow/mustache.hpp>

#include "mail/mail_values.h"

namespace wh::mail {

namespace mu = kainjow::mustache;

namespace {

constexpr std::string_view kLayout = "layout";

std::string stem(std::string_view file) { return std::string(file.substr(0, file.rfind('.'))); }

// A child of wh_mail_template_cache_total. The family is registered once,
// by the constructor's first initialiser (`registry` given); the second
// (nullptr) takes its child from the same family, on the same thread.
metrics::Counter& lookup_counter(metrics::Registry* registry, std::string_view result) {
  thread_local metrics::CounterFamily* family = nullptr;
  if (registry != nullptr) {
    family =
        &registry->counter("wh_mail_template_cache_total",
                           "Look-ups in the compiled e-mail template cache (mail-templates) by result.", {"result"});
  }
  return family->with({result});
}

}  // namespace

TemplateLibrary::TemplateLibrary(metrics::Registry& registry, const std::vector<EmbeddedFile>& files)
    : hits_(lookup_counter(&registry, "hit")), compiles_(lookup_counter(nullptr, "compile")) {
  for (const auto& f : files) sources_.emplace(f.name, f.text);
}

TemplateLibrary::~TemplateLibrary() = default;

bool TemplateLibrary::has(std::string_view name) const {
  std::string n(name);
  return name != kLayout && sources_.count(n + ".html") != 0 && sources_.count(n + ".txt") != 0;
}

std::vector<std::string> TemplateLibrary::names() const {
  std::vector<std::string> out;
  for (const auto& [file, text] : sources_) {
    std::string s = stem(file);
    if (has(s) && (out.empty() || out.back() != s)) out.push_back(s);
  }
  return out;
}

std::size_t TemplateLibrary::compiled() const {
  std::lock_guard lock(mu_);
  return cache_.size();
}

TemplateLibrary::Compiled& TemplateLibrary::compiled_file(const std::string& file) {
  if (auto it = cache_.find(file); it != cache_.end()) {
    hits_.inc();
    return *it->second;
  }
  auto src = sources_.find(file);
  if (src == sources_.end()) throw TemplateError("no e-mail template " + file);
  auto t = std::make_unique<Compiled>(src->second);
  if (!t->is_valid()) throw TemplateError("e-mail template " + file + " does not compile: " + t->error_message());
  compiles_.inc();
  return *cache_.emplace(file, std::move(t)).first->second;
}

RenderedEmail TemplateLibrary::render(const std::string& name, const boost::json::object& variables,
                                      const boost::json::object& common) {
  if (!has(name)) throw TemplateError("no e-mail template named '" + name + "'");
  boost::json::object all = variables;
  for (const auto& [k, v] : common) all[k] = v;
  mu::data data = template_data(all);

  std::lock_guard lock(mu_);
  RenderedEmail out;
  for (const char* ext : {".html", ".txt"}) {
    const bool html = std::string_view(ext) == ".html";
    auto plain = [](const std::string& s) { return s; };
    Compiled& body = compiled_file(name + ext);
    Compiled& layout = compiled_file(std::string(kLayout) + ext);
    if (!html) {
      body.set_custom_escape(plain);
      layout.set_custom_escape(plain);
    }
    mu::data page = data;
    page.set("content", body.render(data));
    (html ? out.html : out.text) = layout.render(page);
  }
  return out;
}

}  // namespace wh::mail
