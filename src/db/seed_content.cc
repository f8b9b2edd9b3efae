#include "db/seed_content.h"

#include <boost/json.hpp>
#include <stdexcept>
#include <string_view>
#include <tuple>

namespace wh::db::demo {
namespace {
namespace json = boost::json;

// Field access that names the file and the field in its error.
class Reader {
 public:
  Reader(std::string file, const json::object& obj) : file_(std::move(file)), obj_(obj) {}

  [[noreturn]] void fail(std::string_view key, std::string_view why) const {
    throw std::runtime_error("seed data " + file_ + ": \"" + std::string(key) + "\" " + std::string(why));
  }
  const json::value& at(std::string_view key) const {
    const json::value* v = obj_.if_contains(key);
    if (v == nullptr) fail(key, "is missing");
    return *v;
  }
  std::string str(std::string_view key) const {
    const auto& v = at(key);
    if (!v.is_string()) fail(key, "must be a string");
    return std::string(v.get_string());
  }
  int integer(std::string_view key) const {
    const auto& v = at(key);
    if (!v.is_int64()) fail(key, "must be an integer");
    return static_cast<int>(v.get_int64());
  }
  bool boolean(std::string_view key) const {
    const auto& v = at(key);
    if (!v.is_bool()) fail(key, "must be true or false");
    return v.get_bool();
  }
  // A list of strings; `non_empty` when the generator picks from it.
  std::vector<std::string> strings(std::string_view key, bool non_empty = true) const {
    const auto& v = at(key);
    if (!v.is_array()) fail(key, "must be a list of strings");
    std::vector<std::string> out;
    for (const auto& item : v.get_array()) {
      if (!item.is_string()) fail(key, "must be a list of strings");
      out.emplace_back(item.get_string());
    }
    if (non_empty && out.empty()) fail(key, "must not be empty");
    return out;
  }
  // Each object of a non-empty list, read by `fn(Reader&)`.
  template <typename Fn>
  void each(std::string_view key, Fn fn) const {
    const auto& v = at(key);
    if (!v.is_array() || v.get_array().empty()) fail(key, "must be a non-empty list of objects");
    for (const auto& item : v.get_array()) {
      if (!item.is_object()) fail(key, "must be a non-empty list of objects");
      Reader r(file_ + " " + std::string(key), item.get_object());
      fn(r);
    }
  }
  Reader object(std::string_view key) const {
    const auto& v = at(key);
    if (!v.is_object()) fail(key, "must be an object");
    return Reader(file_ + " " + std::string(key), v.get_object());
  }
  std::pair<int, int> pair(std::string_view key) const {
    const auto& v = at(key);
    if (!v.is_array() || v.get_array().size() != 2 || !v.get_array()[0].is_int64() || !v.get_array()[1].is_int64() ||
        v.get_array()[0].get_int64() > v.get_array()[1].get_int64()) {
      fail(key, "must be [low, high] integers");
    }
    return {static_cast<int>(v.get_array()[0].get_int64()), static_cast<int>(v.get_array()[1].get_int64())};
  }

 private:
  std::string file_;
  const json::object& obj_;
};

Kind kind_of(const Reader& r) {
  std::string k = r.str("kind");
  if (k == "hair") return Kind::kHair;
  if (k == "synthetic") return Kind::kSynthetic;
  if (k == "braided") return Kind::kBraided;
  if (k == "nonhair") return Kind::kNonHair;
  r.fail("kind", "must be hair, synthetic, braided or nonhair");
}

json::object parse_file(const std::vector<EmbeddedFile>& files, std::string_view name) {
  for (const auto& f : files) {
    if (name != f.name) continue;
    boost::system::error_code ec;
    json::value v = json::parse(f.text, ec);
    if (ec || !v.is_object()) throw std::runtime_error("seed data " + std::string(name) + " is not a JSON object");
    return std::move(v.get_object());
  }
  throw std::runtime_error("seed data " + std::string(name) + " is missing");
}

}  // namespace

Content parse_content(const std::vector<EmbeddedFile>& files) {
  Content c;
  {
    json::object o = parse_file(files, "categories.json");
    Reader r("categories.json", o);
    c.category_prefixes = r.strings("prefixes");
    r.each("categories", [&](const Reader& cat) {
      CategoryDef d;
      d.name = cat.str("name");
      d.description = cat.str("description");
      d.kind = kind_of(cat);
      d.nouns = cat.strings("nouns");
      d.textures = cat.strings("textures", false);
      std::tie(d.min_len, d.max_len) = cat.pair("length");
      std::tie(d.price_lo, d.price_hi) = cat.pair("price");
      d.has_size = cat.boolean("size");
      d.bright_colors = cat.boolean("brightColors");
      d.weight = cat.integer("weight");
      if (d.weight < 1) cat.fail("weight", "must be at least 1");
      c.categories.push_back(std::move(d));
    });
  }
  {
    json::object o = parse_file(files, "products.json");
    Reader r("products.json", o);
    c.textures = r.strings("textures");
    c.hair_colors = r.strings("hairColors");
    c.bright_colors = r.strings("brightColors");
    c.accessory_colors = r.strings("accessoryColors");
    c.sizes = r.strings("sizes");
    c.origins = r.strings("origins");
    c.grades = r.strings("grades");
    c.synthetic_prefixes = r.strings("syntheticPrefixes");
    Reader d = r.object("descriptions");
    c.hair_sentences = d.strings("hair");
    c.hair_cap_sentences = d.strings("hairWithCap", false);
    c.synthetic_sentences = d.strings("synthetic");
    c.braided_sentences = d.strings("braided");
    c.nonhair_sentences = d.strings("nonhair");
  }
  {
    json::object o = parse_file(files, "people.json");
    Reader r("people.json", o);
    c.first_names = r.strings("firstNames");
    c.last_names = r.strings("lastNames");
    c.guest_phone_prefixes = r.strings("guestPhonePrefixes");
    r.each("cities", [&](const Reader& city) {
      c.cities.push_back({city.str("city"), city.str("region"), city.str("gpsPrefix"), city.strings("streets")});
    });
  }
  {
    json::object o = parse_file(files, "shop.json");
    Reader r("shop.json", o);
    r.each("banners", [&](const Reader& b) {
      c.banners.push_back({b.str("title"), b.str("description"), b.str("image"), b.str("link"), b.str("start"),
                           b.str("end"), b.integer("priority")});
    });
    r.each("settings", [&](const Reader& s) {
      c.settings.push_back({s.str("key"), s.str("value"), s.str("description")});
    });
    r.each("currencyRates", [&](const Reader& x) { c.rates.push_back({x.str("currency"), x.str("rate")}); });
  }
  return c;
}

const Content& embedded_content() {
  static const Content content = parse_content(embedded_seed_files());
  return content;
}

}  // namespace wh::db::demo
