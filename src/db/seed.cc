// Writing the demo shop (see seed.h): the rows come from ShopGenerator
// (seed_generate.h, pure); this file only puts them into the database.
//
// Everything runs in one transaction on one BlockingSession, serialised with
// other seeders by an advisory lock. Rows go in batches of ~500 with
// `INSERT ... SELECT ... FROM unnest($1::text[], ...)`: one statement per
// batch, whatever the column count.
//
// --force on a database that already has products adds a second, disjoint
// catalogue: product numbers (SKUs WH-<n>-<m>) continue after the highest
// existing one and the id streams are salted with it. Categories, users,
// settings and currency rates that already exist (same slug/name, e-mail,
// key, pair) are reused and never modified; banners are only added when no
// banner with the same title exists.
#include "db/seed.h"

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/password.h"
#include "core/time.h"
#include "db/blocking_session.h"
#include "db/seed_generate.h"

namespace wh::db {
namespace {

using demo::Field;

// PostgreSQL array literal: every element double-quoted with `"` and `\`
// backslash-escaped; NULL elements as the bare word NULL. The element text is
// parsed by the element type's input function, so this works for text,
// numeric, int, bool ("t"/"f"), timestamp and nested array literals alike.
class ArrayLiteral {
 public:
  void add(const Field& v) {
    buf_ += buf_.empty() ? '{' : ',';
    if (!v) {
      buf_ += "NULL";
      return;
    }
    buf_ += '"';
    for (char c : *v) {
      if (c == '"' || c == '\\') buf_ += '\\';
      buf_ += c;
    }
    buf_ += '"';
  }
  std::string take() {
    std::string out = buf_.empty() ? std::string("{}") : std::move(buf_) + '}';
    buf_.clear();
    return out;
  }

 private:
  std::string buf_;
};

std::string array_literal(const std::vector<std::string>& items) {
  ArrayLiteral a;
  for (const auto& s : items) a.add(s);
  return a.take();
}

Field text(std::string s) { return Field(std::move(s)); }
Field boolean(bool b) { return Field(b ? "t" : "f"); }
Field integer(std::int64_t v) { return Field(std::to_string(v)); }
// TIMESTAMP(3) input (the columns are UTC without time zone).
Field timestamp(std::int64_t ms) {
  return iso_time(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

// Accumulates rows column-wise into array literals and runs `sql` (which
// reads $1..$ncols through unnest, then any `extra` scalars as $ncols+1..)
// every `batch_rows` rows.
class BulkInsert {
 public:
  BulkInsert(BlockingSession& db, const char* sql, std::size_t ncols, std::vector<Field> extra = {},
             std::size_t batch_rows = 500)
      : db_(db), sql_(sql), cols_(ncols), extra_(std::move(extra)), batch_rows_(batch_rows) {}

  void add(const std::vector<Field>& row) {
    if (row.size() != cols_.size()) throw std::logic_error("seed: BulkInsert row has the wrong number of columns");
    for (std::size_t i = 0; i < row.size(); ++i) cols_[i].add(row[i]);
    if (++pending_ >= batch_rows_) flush();
  }

  void flush() {
    if (pending_ == 0) return;
    Params params;
    params.reserve(cols_.size() + extra_.size());
    for (auto& c : cols_) params.emplace_back(c.take());
    for (const auto& e : extra_) params.emplace_back(e);
    pending_ = 0;
    inserted_ += db_.exec(sql_, params).affected();
  }

  long inserted() const { return inserted_; }

 private:
  BlockingSession& db_;
  const char* sql_;
  std::vector<ArrayLiteral> cols_;
  std::vector<Field> extra_;
  std::size_t batch_rows_;
  std::size_t pending_ = 0;
  long inserted_ = 0;
};

// Rows of a one-column query as a set.
std::unordered_set<std::string> column_set(BlockingSession& db, const char* sql,
                                           const std::vector<std::string>& values) {
  Params p{array_literal(values)};
  auto r = db.exec(sql, p);
  std::unordered_set<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace(r.get(i, 0));
  return out;
}

constexpr const char* kInsertCategories = R"SQL(
INSERT INTO categories (id, name, slug, description, image, is_active, is_featured, type, created_at, updated_at)
SELECT id, name, slug, description, image, is_active, is_featured, 'standard', created_at, updated_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::bool[],
            $8::timestamp(3)[], $9::timestamp(3)[])
     AS t(id, name, slug, description, image, is_active, is_featured, created_at, updated_at)
ON CONFLICT DO NOTHING)SQL";

constexpr const char* kInsertUsers = R"SQL(
INSERT INTO users (id, email, password, first_name, last_name, phone, role, email_verified, is_active,
                   created_at, updated_at)
SELECT id, email, password, first_name, last_name, phone, role, email_verified, true, created_at, updated_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bool[],
            $9::timestamp(3)[], $10::timestamp(3)[])
     AS t(id, email, password, first_name, last_name, phone, role, email_verified, created_at, updated_at)
ON CONFLICT (email) DO NOTHING)SQL";

constexpr const char* kInsertProducts = R"SQL(
INSERT INTO products (id, name, description, base_price, category_id, images, is_active, is_featured,
                      created_at, updated_at)
SELECT id, name, description, base_price, category_id, '{}'::text[], is_active, is_featured, created_at, updated_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::text[], $6::bool[], $7::bool[],
            $8::timestamp(3)[], $9::timestamp(3)[])
     AS t(id, name, description, base_price, category_id, is_active, is_featured, created_at, updated_at))SQL";

constexpr const char* kInsertVariants = R"SQL(
INSERT INTO variants (id, product_id, sku, price, stock, length, color, texture, size, images, is_active,
                      created_at, updated_at, reserved_stock)
SELECT id, product_id, sku, price, stock, length, color, texture, size, images::text[], is_active,
       created_at, updated_at, 0
FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::int[], $6::text[], $7::text[], $8::text[],
            $9::text[], $10::text[], $11::bool[], $12::timestamp(3)[], $13::timestamp(3)[])
     AS t(id, product_id, sku, price, stock, length, color, texture, size, images, is_active,
          created_at, updated_at))SQL";

constexpr const char* kInsertOrders = R"SQL(
INSERT INTO orders (id, user_id, order_number, status, payment_status, payment_method, paystack_reference,
                    subtotal, shipping, tax, discount, total, customer_email, customer_phone,
                    shipping_address, billing_address, tracking_number, notes, created_at, updated_at, paid_at)
SELECT id, user_id, order_number, status, payment_status, payment_method, paystack_reference,
       subtotal, shipping, 0, 0, subtotal + shipping, customer_email, customer_phone,
       shipping_address::jsonb, shipping_address::jsonb, tracking_number, notes, created_at, updated_at, paid_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::numeric[], $9::numeric[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
            $15::timestamp(3)[], $16::timestamp(3)[], $17::timestamp(3)[])
     AS t(id, user_id, order_number, status, payment_status, payment_method, paystack_reference,
          subtotal, shipping, customer_email, customer_phone, shipping_address, tracking_number, notes,
          created_at, updated_at, paid_at))SQL";

constexpr const char* kInsertOrderItems = R"SQL(
INSERT INTO order_items (id, order_id, variant_id, product_name, variant_sku, attributes, quantity,
                         unit_price, subtotal, created_at)
SELECT id, order_id, variant_id, product_name, variant_sku, attributes::jsonb, quantity,
       unit_price, unit_price * quantity, created_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
            $8::numeric[], $9::timestamp(3)[])
     AS t(id, order_id, variant_id, product_name, variant_sku, attributes, quantity, unit_price, created_at))SQL";

constexpr const char* kInsertBanners = R"SQL(
INSERT INTO promotional_banners (id, title, description, image_url, link_url, start_date, end_date, is_active,
                                 priority, created_by, created_at, updated_at)
SELECT t.id, t.title, t.description, t.image_url, t.link_url, t.start_date, t.end_date, true,
       t.priority, $10, t.created_at, t.created_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamp(3)[], $7::timestamp(3)[],
            $8::int[], $9::timestamp(3)[])
     AS t(id, title, description, image_url, link_url, start_date, end_date, priority, created_at)
WHERE NOT EXISTS (SELECT 1 FROM promotional_banners b WHERE b.title = t.title))SQL";

constexpr const char* kInsertSettings = R"SQL(
INSERT INTO system_settings (id, key, value, description, updated_at)
SELECT id, key, value, description, $5::timestamp(3)
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, key, value, description)
ON CONFLICT (key) DO NOTHING)SQL";

constexpr const char* kInsertRates = R"SQL(
INSERT INTO currency_rates (id, base_currency, currency, rate, last_updated, created_at)
SELECT id, 'GHS', currency, rate, $4::timestamp(3), $4::timestamp(3)
FROM unnest($1::text[], $2::text[], $3::numeric[]) AS t(id, currency, rate)
ON CONFLICT (base_currency, currency) DO NOTHING)SQL";

// An order item's attributes as the old backend stored them.
std::string attributes_json(const demo::Variant& v) {
  auto value = [](const Field& f) { return f ? boost::json::value(*f) : boost::json::value(nullptr); };
  return boost::json::serialize(boost::json::object{
      {"length", value(v.length)}, {"color", value(v.color)}, {"texture", value(v.texture)}, {"size", value(v.size)}});
}

class Writer {
 public:
  Writer(BlockingSession& db, const SeedOptions& o, std::int64_t sku_offset)
      : db_(db), opt_(o), gen_(demo::embedded_content(), o, sku_offset) {}

  SeedSummary run() {
    SeedSummary s;
    const auto categories = gen_.categories();
    s.categories = write_categories(categories);
    const auto users = gen_.users();
    s.customers = write_users(users);
    write_products(s);
    s.orders = write_orders(users);
    s.banners = write_banners(categories);
    write_settings();
    return s;
  }

 private:
  int write_categories(const std::vector<demo::Category>& cats) {
    BulkInsert ins(db_, kInsertCategories, 9);
    std::vector<std::string> names, slugs;
    for (const auto& c : cats) {
      ins.add({text(c.id), text(c.name), text(c.slug), text(c.description), text(c.image), boolean(c.active),
               boolean(c.featured), timestamp(c.created_ms), timestamp(c.created_ms)});
      names.push_back(c.name);
      slugs.push_back(c.slug);
    }
    ins.flush();
    // The ids actually in the table: pre-existing rows (same slug or name) are reused.
    category_ids_.assign(cats.size(), "");
    if (cats.empty()) return 0;
    Params find{array_literal(slugs), array_literal(names)};
    auto res =
        db_.exec("SELECT id, slug, name FROM categories WHERE slug = ANY($1::text[]) OR name = ANY($2::text[])", find);
    std::unordered_map<std::string, std::string> by_slug, by_name;
    for (int r = 0; r < res.rows(); ++r) {
      by_slug[std::string(res.get(r, 1))] = res.get(r, 0);
      by_name[std::string(res.get(r, 2))] = res.get(r, 0);
    }
    for (std::size_t i = 0; i < cats.size(); ++i) {
      if (auto it = by_slug.find(slugs[i]); it != by_slug.end()) {
        category_ids_[i] = it->second;
      } else if (auto jt = by_name.find(names[i]); jt != by_name.end()) {
        category_ids_[i] = jt->second;
      } else {
        throw std::runtime_error("seed: category '" + names[i] + "' could not be created or found");
      }
    }
    return static_cast<int>(ins.inserted());
  }

  // Returns the customers inserted now (staff and existing accounts not counted).
  int write_users(const std::vector<demo::User>& users) {
    std::map<std::string, std::string> hashes;  // one bcrypt per distinct password
    for (const auto& u : users) {
      if (!hashes.count(u.password)) hashes[u.password] = password::hash(u.password, 10);
    }
    BulkInsert ins(db_, kInsertUsers, 10);
    std::vector<std::string> emails;
    long staff_inserted = 0;
    for (std::size_t i = 0; i < users.size(); ++i) {
      const auto& u = users[i];
      ins.add({text(u.id), text(u.email), text(hashes.at(u.password)), text(u.first), text(u.last), text(u.phone),
               text(u.role), boolean(u.verified), timestamp(u.created_ms), timestamp(u.created_ms)});
      emails.push_back(u.email);
      if (i + 1 == demo::ShopGenerator::kStaff) {
        ins.flush();
        staff_inserted = ins.inserted();
      }
    }
    ins.flush();
    // Resolve ids (existing accounts are reused untouched).
    Params find{array_literal(emails)};
    auto res = db_.exec("SELECT id, email FROM users WHERE email = ANY($1::text[])", find);
    std::unordered_map<std::string, std::string> by_email;
    for (int r = 0; r < res.rows(); ++r) by_email[std::string(res.get(r, 1))] = res.get(r, 0);
    admin_id_ = by_email.at(kDemoAdminEmail);
    customer_ids_.clear();
    for (std::size_t i = demo::ShopGenerator::kStaff; i < users.size(); ++i) {
      customer_ids_.push_back(by_email.at(users[i].email));
    }
    return static_cast<int>(ins.inserted() - staff_inserted);
  }

  void write_products(SeedSummary& s) {
    const int total = opt_.products;
    if (total <= 0) return;
    const bool progress = opt_.progress && total > 2000;
    BulkInsert products(db_, kInsertProducts, 9);
    BulkInsert variants(db_, kInsertVariants, 13);
    orderable_.clear();
    constexpr int kChunk = 500;
    for (int start = 0; start < total; start += kChunk) {
      auto chunk = gen_.products(start, std::min(total, start + kChunk));
      for (const auto& p : chunk) {
        products.add({text(p.id), text(p.name), text(p.description), text(demo::money(p.base_cents)),
                      text(category_ids_.at(p.category)), boolean(p.active), boolean(p.featured),
                      timestamp(p.created_ms), timestamp(p.created_ms)});
      }
      products.flush();  // variants reference the products: insert those first
      for (auto& p : chunk) {
        for (const auto& v : p.variants) {
          const Field ts = timestamp(v.created_ms);
          variants.add({text(v.id), text(p.id), text(v.sku), text(demo::money(v.price_cents)), integer(v.stock),
                        v.length, v.color, v.texture, v.size, text(array_literal(v.images)), boolean(v.active), ts,
                        ts});
        }
        if (orderable_.size() < static_cast<std::size_t>(demo::kOrderableProducts)) orderable_.push_back(std::move(p));
      }
      if (progress) {
        const int end = std::min(total, start + kChunk);
        std::fprintf(stderr, "\rseed: products %d/%d (%d%%)", end, total,
                     static_cast<int>(static_cast<std::int64_t>(end) * 100 / total));
        std::fflush(stderr);
      }
    }
    variants.flush();
    if (progress) std::fputc('\n', stderr);
    s.products = static_cast<int>(products.inserted());
    s.variants = static_cast<int>(variants.inserted());
  }

  int write_orders(const std::vector<demo::User>& users) {
    auto orders = gen_.orders(orderable_, users);
    if (orders.empty()) return 0;
    // Numbers and references are unique within this run; with --force they
    // could clash with orders already in the database.
    std::vector<std::string> numbers, refs;
    for (const auto& o : orders) {
      numbers.push_back(o.number);
      if (o.reference) refs.push_back(*o.reference);
    }
    gen_.renumber(
        orders, column_set(db_, "SELECT order_number FROM orders WHERE order_number = ANY($1::text[])", numbers),
        column_set(db_, "SELECT paystack_reference FROM orders WHERE paystack_reference = ANY($1::text[])", refs));

    BulkInsert ins(db_, kInsertOrders, 17);
    for (const auto& o : orders) {
      const Field user = o.customer ? Field(customer_ids_.at(*o.customer)) : std::nullopt;
      const Field paid = o.paid_ms ? timestamp(*o.paid_ms) : std::nullopt;
      ins.add({text(o.id), user, text(o.number), text(o.status), text(o.payment_status), o.payment_method, o.reference,
               text(demo::money(o.subtotal_cents)), text(demo::money(o.shipping_cents)), text(o.email), text(o.phone),
               text(o.address_json), o.tracking, o.notes, timestamp(o.created_ms), timestamp(o.updated_ms), paid});
    }
    ins.flush();

    BulkInsert items(db_, kInsertOrderItems, 9);
    for (const auto& o : orders) {
      for (const auto& it : o.items) {
        const demo::Product& p = orderable_[it.product];
        const demo::Variant& v = p.variants[it.variant];
        items.add({text(it.id), text(o.id), text(v.id), text(p.name), text(v.sku), text(attributes_json(v)),
                   integer(it.quantity), text(demo::money(v.price_cents)), timestamp(o.created_ms)});
      }
    }
    items.flush();
    return static_cast<int>(ins.inserted());
  }

  int write_banners(const std::vector<demo::Category>& categories) {
    BulkInsert ins(db_, kInsertBanners, 9, {text(admin_id_)});
    for (const auto& b : gen_.banners(categories)) {
      ins.add({text(b.id), text(b.title), text(b.description), text(b.image_url), text(b.link), timestamp(b.start_ms),
               timestamp(b.end_ms), integer(b.priority), timestamp(b.created_ms)});
    }
    ins.flush();
    return static_cast<int>(ins.inserted());
  }

  void write_settings() {
    BulkInsert settings(db_, kInsertSettings, 4, {timestamp(demo::kEpoch)});
    for (const auto& s : gen_.settings()) settings.add({text(s.id), text(s.key), text(s.value), text(s.description)});
    settings.flush();
    BulkInsert rates(db_, kInsertRates, 3, {timestamp(demo::kEpoch)});
    for (const auto& r : gen_.rates()) rates.add({text(r.id), text(r.currency), text(r.rate)});
    rates.flush();
  }

  BlockingSession& db_;
  const SeedOptions& opt_;
  demo::ShopGenerator gen_;
  std::vector<std::string> category_ids_;  // by category position
  std::string admin_id_;
  std::vector<std::string> customer_ids_;  // by customer position
  std::vector<demo::Product> orderable_;   // the first products, for orders
};

}  // namespace

SeedSummary seed(const std::string& url, const SeedOptions& options) {
  if (options.categories < 0 || options.products < 0 || options.customers < 0 || options.orders < 0) {
    throw std::runtime_error("seed: counts must not be negative");
  }
  if (options.products > 0 && options.categories == 0) {
    throw std::runtime_error("seed: at least one category is needed to seed products");
  }
  BlockingSession db(tool_connect_options(url, "wighaven-seed"));
  db.exec("BEGIN");
  try {
    // Serialise concurrent seeders: the second one waits, then sees the catalogue.
    db.exec("SELECT pg_advisory_xact_lock(7305871262374811185)");
    auto has = db.exec("SELECT EXISTS (SELECT 1 FROM products)");
    if (has.get_bool(0, 0) && !options.force) {
      db.exec("ROLLBACK");
      SeedSummary s;
      s.skipped = true;
      return s;
    }
    auto off = db.exec(
        "SELECT COALESCE(max(split_part(sku, '-', 2)::bigint), 0) FROM variants "
        "WHERE sku ~ '^WH-[0-9]{1,15}-[0-9]+$'");
    Writer writer(db, options, off.get_int(0, 0));
    SeedSummary summary = writer.run();
    db.exec("COMMIT");
    // Statistics now, not when autovacuum gets to it: a statement planned
    // before then (the first listings, a bench's set-up) takes the freshly
    // filled tables for empty ones and chooses nested scans (minutes at
    // 100,000 products). After the commit: the tables the seed fills in bulk.
    db.exec("ANALYZE products, variants, categories, users, orders, order_items, reviews");
    return summary;
  } catch (...) {
    db.roll_back();
    throw;
  }
}

}  // namespace wh::db
