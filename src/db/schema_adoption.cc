#include "db/schema_adoption.h"

#include <map>
#include <set>
#include <stdexcept>

#include "db/blocking_session.h"

namespace wh::db {
namespace {

constexpr const char* kReferenceSchema = "wh_reference_base";
// Our own bookkeeping tables and Prisma's are not part of the model.
const std::set<std::string> kBookkeeping = {"wighaven_schema_migrations", "_prisma_migrations"};

struct Column {
  std::string type;
  bool not_null = false;
};

struct Table {
  std::vector<std::string> order;  // column names in table order
  std::map<std::string, Column> columns;
};

struct Shape {
  std::map<std::string, Table> tables;
  std::map<std::string, std::string> indexes;       // name -> definition without the schema
  std::map<std::string, std::string> foreign_keys;  // "table.name" -> definition without the schema
};

// Definitions name the schema ("ON public.users"); drop it so that the
// reference and the real schema compare equal.
std::string without_schema(std::string def, const std::string& schema) {
  for (const std::string& prefix : {schema + ".", "\"" + schema + "\"."}) {
    for (auto p = def.find(prefix); p != std::string::npos; p = def.find(prefix, p)) def.erase(p, prefix.size());
  }
  return def;
}

// name -> definition, from a query of `schema` ($1) returning both.
std::map<std::string, std::string> definitions(BlockingSession& db, const std::string& schema, const char* sql) {
  std::map<std::string, std::string> out;
  auto r = db.exec(sql, {schema});
  for (int i = 0; i < r.rows(); ++i) out[std::string(r.get(i, 0))] = without_schema(std::string(r.get(i, 1)), schema);
  return out;
}

Shape read_shape(BlockingSession& db, const std::string& schema) {
  Shape s;
  auto cols = db.exec(
      "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
      " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname, a.attnum",
      {schema});
  for (int i = 0; i < cols.rows(); ++i) {
    Table& t = s.tables[std::string(cols.get(i, 0))];
    if (cols.is_null(i, 1)) continue;
    std::string name(cols.get(i, 1));
    t.order.push_back(name);
    t.columns[name] = Column{std::string(cols.get(i, 2)), cols.get_bool(i, 3)};
  }
  s.indexes = definitions(db, schema,
                          "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                          " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                          " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = $1");
  s.foreign_keys = definitions(db, schema,
                               "SELECT t.relname || '.' || con.conname, pg_get_constraintdef(con.oid)"
                               " FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid"
                               " JOIN pg_namespace n ON n.oid = t.relnamespace"
                               " WHERE n.nspname = $1 AND con.contype = 'f'");
  return s;
}

// The shape `base_sql` creates, built in a scratch schema and rolled back.
Shape reference_shape(BlockingSession& db, const char* base_sql) {
  db.exec("SAVEPOINT wh_reference");
  try {
    db.exec(std::string("CREATE SCHEMA ") + kReferenceSchema);
    db.exec(std::string("SET LOCAL search_path = ") + kReferenceSchema);
    db.exec_script(base_sql);
    Shape s = read_shape(db, kReferenceSchema);
    db.exec("ROLLBACK TO SAVEPOINT wh_reference");
    db.exec("RELEASE SAVEPOINT wh_reference");
    return s;
  } catch (const std::exception& e) {
    try {
      db.exec("ROLLBACK TO SAVEPOINT wh_reference");
    } catch (const std::exception&) {
      // the outer transaction is rolled back by the caller
    }
    throw std::runtime_error(std::string("cannot build the reference schema: ") + e.what());
  }
}

std::string join(const std::vector<std::string>& items, std::size_t limit = 12) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > limit) out += ", ... (" + std::to_string(items.size()) + " in all)";
  return out;
}

std::vector<std::string> missing_columns(const Table& expected, const Table& actual) {
  std::vector<std::string> out;
  for (const auto& name : expected.order) {
    if (!actual.columns.contains(name)) out.push_back(name);
  }
  return out;
}

// A table of ours keeps at least half of its columns under their names;
// a same-named table that does not is somebody else's.
bool is_ours(const Table& expected, const Table& actual) {
  return 2 * (expected.order.size() - missing_columns(expected, actual).size()) >= expected.order.size();
}

void compare_columns(const std::string& table, const Table& expected, const Table& actual,
                     std::vector<std::string>& out) {
  for (const auto& name : expected.order) {
    const Column& want = expected.columns.at(name);
    auto it = actual.columns.find(name);
    std::string col = "column " + table + "." + name;
    if (it == actual.columns.end()) {
      out.push_back(col + " is missing (expected " + want.type + ")");
      continue;
    }
    if (it->second.type != want.type) out.push_back(col + " is " + it->second.type + ", expected " + want.type);
    if (it->second.not_null != want.not_null) {
      out.push_back(col + (want.not_null ? " allows NULL, expected NOT NULL" : " is NOT NULL, expected nullable"));
    }
  }
}

void compare_named(const char* kind, const std::map<std::string, std::string>& expected,
                   const std::map<std::string, std::string>& actual, std::vector<std::string>& out) {
  for (const auto& [name, def] : expected) {
    auto it = actual.find(name);
    if (it == actual.end()) {
      out.push_back(std::string(kind) + " " + name + " is missing (expected: " + def + ")");
    } else if (it->second != def) {
      out.push_back(std::string(kind) + " " + name + " differs: found " + it->second + ", expected " + def);
    }
  }
}

}  // namespace

ExistingSchema inspect_existing_schema(BlockingSession& db, const char* base_sql) {
  ExistingSchema out;
  Shape actual = read_shape(db, "public");
  out.prisma_history = actual.tables.contains("_prisma_migrations");
  std::vector<std::string> model_tables;
  for (const auto& [name, t] : actual.tables) {
    if (!kBookkeeping.contains(name)) model_tables.push_back(name);
  }
  if (model_tables.empty() && !out.prisma_history) return out;  // empty: the base migration creates everything

  Shape expected = reference_shape(db, base_sql);
  std::vector<std::string> missing, foreign;
  for (const auto& [name, t] : expected.tables) {
    auto it = actual.tables.find(name);
    if (it == actual.tables.end()) {
      missing.push_back(name);
    } else if (!is_ours(t, it->second)) {
      auto gone = missing_columns(t, it->second);
      foreign.push_back(name + " (has " + std::to_string(t.order.size() - gone.size()) + " of its " +
                        std::to_string(t.order.size()) + " columns; missing " + join(gone, 6) + ")");
    }
  }

  out.kind = ExistingSchema::Kind::refused;
  if (missing.size() + foreign.size() == expected.tables.size()) {
    out.refusal = "the database is not empty but holds no WigHaven schema (tables found: " +
                  join(model_tables.empty() ? std::vector<std::string>{"_prisma_migrations only"} : model_tables) +
                  (foreign.empty() ? "" : "; not WigHaven's: " + join(foreign)) +
                  "). Point DATABASE_URL at an empty database or at an existing WigHaven database.";
    return out;
  }
  if (!missing.empty() || !foreign.empty()) {
    std::string what;
    if (!missing.empty()) {
      what = std::to_string(missing.size()) + " of " + std::to_string(expected.tables.size()) +
             " tables are missing: " + join(missing);
    }
    if (!foreign.empty())
      what += (what.empty() ? "" : "; ") + std::string("tables that are not WigHaven's: ") + join(foreign);
    out.refusal = "the WigHaven schema in this database is incomplete or mixed with another one (" + what +
                  "). Complete or restore it (e.g. re-run the old backend's `prisma db push`), then migrate again.";
    return out;
  }

  out.kind = ExistingSchema::Kind::wighaven;
  for (const auto& [name, t] : expected.tables) compare_columns(name, t, actual.tables.at(name), out.differences);
  compare_named("index", expected.indexes, actual.indexes, out.differences);
  compare_named("foreign key", expected.foreign_keys, actual.foreign_keys, out.differences);
  return out;
}

}  // namespace wh::db
