#include "catalog/product_validation.h"
#include "core/text.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <set>
#include <string_view>

#include "core/error.h"
#include "core/json_text.h"

namespace wh::catalog {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxImages = 10;
constexpr std::size_t kMaxVariants = 100;
constexpr std::size_t kMaxUrl = 2048;
constexpr double kMaxMoney = 99999999.99;  // DECIMAL(10,2)
constexpr long long kMaxStock = 2147483647;

std::string quoted(std::string_view key) { return "\"" + std::string(key) + "\""; }

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// A decimal like 12, 12.5 or .5, optionally negative.
bool decimal_text(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot), frac = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if (whole.empty() && frac.empty()) return false;
  if (dot != std::string_view::npos && frac.empty()) return false;
  for (char c : whole) {
    if (c < '0' || c > '9') return false;
  }
  for (char c : frac) {
    if (c < '0' || c > '9') return false;
  }
  return whole.size() <= 15 && frac.size() <= 15;
}

// An absolute http(s) URL without spaces or control characters.
bool plausible_url(std::string_view s) {
  std::string_view rest;
  if (s.rfind("https://", 0) == 0) {
    rest = s.substr(8);
  } else if (s.rfind("http://", 0) == 0) {
    rest = s.substr(7);
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == '/' || s.size() > kMaxUrl) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

struct TextRule {
  std::size_t max = 255;
  std::size_t min = 1;
  const char* required = nullptr;  // message when missing; nullptr: optional
  const char* too_short = nullptr;
  const char* too_long = nullptr;
};

// Reads the fields of one JSON object, reporting errors under `prefix`.
class Fields {
 public:
  Fields(const json::object& o, std::string prefix, ValidationErrors& errors)
      : o_(o), prefix_(std::move(prefix)), errors_(errors) {}

  // The value of the first of `names` present (camelCase first, then
  // snake_case); nullptr when none is. Later errors name that key.
  const json::value* find(std::initializer_list<std::string_view> names) {
    key_ = *names.begin();
    for (auto n : names) {
      if (const json::value* v = o_.if_contains(n)) {
        key_ = n;
        return v;
      }
    }
    return nullptr;
  }
  void fail(std::string message) { errors_.add(prefix_ + std::string(key_), std::move(message)); }
  std::string_view key() const { return key_; }
  const std::string& prefix() const { return prefix_; }

  std::optional<std::string> text(std::initializer_list<std::string_view> names, const TextRule& rule) {
    const json::value* v = find(names);
    if (v == nullptr) {
      if (rule.required != nullptr) fail(rule.required);
      return std::nullopt;
    }
    return text_value(*v, rule);
  }

  std::optional<std::string> text_value(const json::value& v, const TextRule& rule) {
    if (!v.is_string()) {
      fail(quoted(key_) + " must be a string");
      return std::nullopt;
    }
    std::string_view s = trimmed(v.as_string());
    if (s.find('\0') != std::string_view::npos) {
      fail(quoted(key_) + " must not contain NUL characters");
      return std::nullopt;
    }
    std::size_t n = code_points(s);
    if (n == 0 && rule.min > 0) {
      fail(rule.required != nullptr ? rule.required : quoted(key_) + " is not allowed to be empty");
      return std::nullopt;
    }
    if (n < rule.min) {
      fail(rule.too_short != nullptr
               ? std::string(rule.too_short)
               : quoted(key_) + " length must be at least " + std::to_string(rule.min) + " characters long");
      return std::nullopt;
    }
    if (n > rule.max) {
      fail(rule.too_long != nullptr ? std::string(rule.too_long)
                                    : quoted(key_) + " length must be less than or equal to " +
                                          std::to_string(rule.max) + " characters long");
      return std::nullopt;
    }
    return std::string(s);
  }

  // A GHS amount >= `min` as decimal text (PostgreSQL rounds it to cents).
  std::optional<std::string> money(std::initializer_list<std::string_view> names, double min, const char* min_message,
                                   const char* required) {
    const json::value* v = find(names);
    if (v == nullptr) {
      if (required != nullptr) fail(required);
      return std::nullopt;
    }
    std::string text;
    double value = 0;
    if (v->is_int64() || v->is_uint64() || v->is_double()) {
      value = v->to_number<double>();
      text = v->is_double() ? json_number(value) : json::serialize(*v);
    } else if (v->is_string() && decimal_text(trimmed(v->as_string()))) {
      text = std::string(trimmed(v->as_string()));
      value = std::strtod(text.c_str(), nullptr);
    } else {
      fail(quoted(key_) + " must be a number");
      return std::nullopt;
    }
    if (!std::isfinite(value) || value < min) {
      fail(min_message);
      return std::nullopt;
    }
    if (value > kMaxMoney) {
      fail(quoted(key_) + " must be less than or equal to 99999999.99");
      return std::nullopt;
    }
    return text;
  }

  std::optional<long long> stock(std::initializer_list<std::string_view> names, bool required) {
    const json::value* v = find(names);
    if (v == nullptr) {
      if (required) fail("Stock is required");
      return std::nullopt;
    }
    double value = 0;
    if (v->is_int64() || v->is_uint64() || v->is_double()) {
      value = v->to_number<double>();
    } else if (v->is_string() && decimal_text(trimmed(v->as_string()))) {
      value = std::strtod(std::string(trimmed(v->as_string())).c_str(), nullptr);
    } else {
      fail(quoted(key_) + " must be a number");
      return std::nullopt;
    }
    if (!std::isfinite(value) || value != std::floor(value)) {
      fail("Stock must be an integer");
      return std::nullopt;
    }
    if (value < 0) {
      fail("Stock cannot be negative");
      return std::nullopt;
    }
    if (value > static_cast<double>(kMaxStock)) {
      fail(quoted(key_) + " must be less than or equal to " + std::to_string(kMaxStock));
      return std::nullopt;
    }
    return static_cast<long long>(value);
  }

  // true/false, or the strings "true"/"false" (Joi converts them).
  std::optional<bool> flag(std::initializer_list<std::string_view> names) {
    const json::value* v = find(names);
    if (v == nullptr) return std::nullopt;
    if (v->is_bool()) return v->as_bool();
    if (v->is_string() && (v->as_string() == "true" || v->as_string() == "false")) return v->as_string() == "true";
    fail(quoted(key_) + " must be a boolean");
    return std::nullopt;
  }

  // An array of at most kMaxImages http(s) URLs.
  std::optional<json::array> urls(std::initializer_list<std::string_view> names) {
    const json::value* v = find(names);
    if (v == nullptr) return std::nullopt;
    if (!v->is_array()) {
      fail(quoted(key_) + " must be an array");
      return std::nullopt;
    }
    const json::array& in = v->as_array();
    if (in.size() > kMaxImages) {
      fail("Maximum 10 images allowed");
      return std::nullopt;
    }
    json::array out;
    bool ok = true;
    for (std::size_t i = 0; i < in.size(); ++i) {
      std::string_view s = in[i].is_string() ? trimmed(in[i].as_string()) : std::string_view();
      if (!plausible_url(s)) {
        errors_.add(prefix_ + std::string(key_) + "." + std::to_string(i),
                    quoted(std::string(key_) + "[" + std::to_string(i) + "]") + " must be a valid uri");
        ok = false;
        continue;
      }
      out.emplace_back(s);
    }
    if (!ok) return std::nullopt;
    return out;
  }

 private:
  const json::object& o_;
  std::string prefix_;
  ValidationErrors& errors_;
  std::string_view key_;
};

// What a variant item must and may contain.
struct VariantRules {
  bool product_id = false;  // POST /api/admin/variants
  bool in_product = false;  // an item of a product body: new unless it has an id
  bool id = false;          // product PATCH items may name an existing variant
  bool required = false;    // sku, price and stock required
  double price_min = 0.01;
  const char* price_message = "Price must be at least 0.01";
};

constexpr std::string_view kAttributes[] = {"length", "color", "texture", "size"};

// Reads one variant object into its normalised form.
json::object read_variant(const json::object& in, std::string prefix, VariantRules rules, ValidationErrors& errors) {
  Fields f(in, std::move(prefix), errors);
  json::object out;
  bool is_new = rules.in_product;
  if (rules.id) {
    if (const json::value* id = f.find({"id"}); id != nullptr && !id->is_null()) {
      is_new = false;
      if (auto s = f.text_value(*id, TextRule{30})) out["id"] = *s;
    }
  }
  if (rules.product_id) {
    if (auto s = f.text({"productId", "product_id"}, TextRule{30, 1, "Product ID is required"})) out["productId"] = *s;
  }
  // A new variant inside a product body may leave its SKU empty: one is made.
  const json::value* sku = f.find({"sku"});
  bool generated_sku =
      is_new && !rules.required && sku != nullptr && sku->is_string() && trimmed(sku->as_string()).empty();
  if (!generated_sku) {
    if (auto s = f.text({"sku"}, TextRule{100, 1, rules.required ? "SKU is required" : nullptr,
                                          "SKU must be at least 1 character", "SKU must not exceed 100 characters"})) {
      out["sku"] = *s;
    }
  }
  if (auto p =
          f.money({"price"}, rules.price_min, rules.price_message, rules.required ? "Price is required" : nullptr)) {
    out["price"] = *p;
  }
  if (auto s = f.stock({"stock"}, rules.required)) out["stock"] = *s;
  for (auto attr : kAttributes) {
    const json::value* v = f.find({attr});
    if (v == nullptr) continue;
    if (v->is_null() || (v->is_string() && trimmed(v->as_string()).empty())) {
      out[attr] = nullptr;
    } else if (auto s = f.text_value(*v, TextRule{50})) {
      out[attr] = *s;
    }
  }
  if (auto images = f.urls({"images"})) out["images"] = std::move(*images);
  if (auto active = f.flag({"isActive", "is_active"})) out["isActive"] = *active;
  return out;
}

// variants[] of a product body.
json::array read_variants(Fields& f, VariantRules rules, ValidationErrors& errors) {
  json::array out;
  const json::value* v = f.find({"variants"});
  if (v == nullptr) return out;
  if (!v->is_array()) {
    f.fail("\"variants\" must be an array");
    return out;
  }
  const json::array& items = v->as_array();
  if (items.size() > kMaxVariants) {
    f.fail("\"variants\" must contain less than or equal to " + std::to_string(kMaxVariants) + " items");
    return out;
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string path = "variants." + std::to_string(i);
    if (!items[i].is_object()) {
      errors.add(path, "\"variants[" + std::to_string(i) + "]\" must be of type object");
      continue;
    }
    out.push_back(read_variant(items[i].as_object(), path + ".", rules, errors));
  }
  return out;
}

std::optional<CategoryRef> read_category(Fields& f, bool required) {
  TextRule rule{30};
  if (auto id = f.text({"categoryId", "category_id"}, rule)) return CategoryRef{*id, false, std::string(f.key())};
  if (f.find({"categoryId", "category_id"}) != nullptr) return std::nullopt;  // present but bad: reported
  rule.max = 100;
  if (auto slug = f.text({"category"}, rule)) return CategoryRef{*slug, true, "category"};
  if (required && f.find({"category"}) == nullptr) {
    f.find({"categoryId"});
    f.fail("Category is required");
  }
  return std::nullopt;
}

// The fields shared by create and update.
ProductInput read_product(const json::object& body, bool create, ValidationErrors& errors) {
  Fields f(body, "", errors);
  ProductInput in;
  in.name = f.text(
      {"name"}, TextRule{255, 1, create ? "Product name is required" : nullptr,
                         "Product name must be at least 1 character", "Product name must not exceed 255 characters"});
  in.description = f.text({"description"}, TextRule{100000, 3, create ? "Product description is required" : nullptr,
                                                    "Product description must be at least 3 characters"});
  in.base_price = f.money({"basePrice", "base_price"}, 0.01, "Base price must be at least 0.01",
                          create ? "Base price is required" : nullptr);
  in.category = read_category(f, create);
  in.is_active = f.flag({"isActive", "is_active"});
  in.is_featured = f.flag({"isFeatured", "is_featured"});
  if (auto images = f.urls({"images"})) {
    for (const auto& url : *images) in.images.emplace_back(url.as_string());
  }
  VariantRules rules;
  rules.in_product = true;
  rules.id = !create;
  rules.price_min = 0;
  rules.price_message = "Price cannot be negative";
  in.variants = read_variants(f, rules, errors);
  return in;
}

std::vector<std::string> read_ids(const json::object& body, std::string_view key, const char* missing,
                                  ValidationErrors& errors) {
  std::vector<std::string> ids;
  const json::value* v = body.if_contains(key);
  if (v == nullptr || !v->is_array() || v->as_array().empty()) {
    errors.add(std::string(key), missing);
    return ids;
  }
  const json::array& items = v->as_array();
  if (items.size() > kMaxBulkIds) {
    errors.add(std::string(key),
               quoted(key) + " must contain less than or equal to " + std::to_string(kMaxBulkIds) + " items");
    return ids;
  }
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string() || items[i].as_string().empty() || items[i].as_string().size() > 30) {
      errors.add(std::string(key) + "." + std::to_string(i),
                 quoted(std::string(key) + "[" + std::to_string(i) + "]") + " must be an id");
      continue;
    }
    if (seen.insert(items[i].as_string()).second) ids.emplace_back(items[i].as_string());
  }
  return ids;
}

// What `read(errors)` returns, or the 400 listing every error it found.
template <typename Read>
auto validated(Read read) {
  ValidationErrors errors;
  auto value = read(errors);
  errors.throw_if_any();
  return value;
}

}  // namespace

ProductInput read_product_create(const json::object& body) {
  return validated([&](ValidationErrors& errors) { return read_product(body, true, errors); });
}

ProductInput read_product_update(const json::object& body) {
  return validated([&](ValidationErrors& errors) { return read_product(body, false, errors); });
}

json::object read_variant_create(const json::object& body) {
  VariantRules rules;
  rules.product_id = true;
  rules.required = true;
  return validated([&](ValidationErrors& errors) { return read_variant(body, "", rules, errors); });
}

json::object read_variant_update(const json::object& body) {
  return validated([&](ValidationErrors& errors) { return read_variant(body, "", VariantRules{}, errors); });
}

std::vector<std::string> read_product_ids(const json::object& body) {
  return validated([&](ValidationErrors& errors) { return read_ids(body, "ids", "No product IDs provided", errors); });
}

BulkStatusInput read_bulk_status(const json::object& body) {
  return validated([&](ValidationErrors& errors) {
    BulkStatusInput in;
    in.ids = read_ids(body, "ids", "No product IDs provided", errors);
    Fields f(body, "", errors);
    auto active = f.flag({"isActive", "is_active"});
    if (!active && f.find({"isActive", "is_active"}) == nullptr) f.fail("\"isActive\" is required");
    in.is_active = active.value_or(false);
    return in;
  });
}

BulkVariantInput read_bulk_variant_update(const json::object& body) {
  return validated([&](ValidationErrors& errors) {
    BulkVariantInput in;
    in.ids = read_ids(body, "variantIds", "variantIds array is required", errors);
    const json::value* updates = body.if_contains("updates");
    if (updates == nullptr || !updates->is_object() || updates->as_object().empty()) {
      errors.add("updates", "updates object is required");
    } else {
      in.updates = read_variant(updates->as_object(), "updates.", VariantRules{}, errors);
      if (errors.empty() && in.updates.empty()) errors.add("updates", "updates names no variant field");
    }
    return in;
  });
}

}  // namespace wh::catalog
