// RecordStore<T> over a sql::Connection, driven by T::Spec(): one table per record type whose
// columns are the spec's field names plus tenant_id. Written once for SQLite and PostgreSQL.
#pragma once

#include <string>
#include <vector>

#include "adapters/sql/connection.h"
#include "core/record.h"
#include "core/text.h"

namespace xb::sql {

template <class T>
class SqlRecordStore final : public RecordStore<T> {
 public:
  explicit SqlRecordStore(Connection& conn) : conn_(conn) {}

  Result<T> Insert(T rec) override {
    const auto& s = Columns();
    std::vector<Value> params;
    params.reserve(s.insert_fields.size() + 1);
    params.emplace_back(rec.tenant_id.value());
    for (const auto* f : s.insert_fields) params.push_back(ToParam(*f, f->get(rec)));
    auto inserted = conn_.Query(s.insert_sql, params);
    if (!inserted.ok()) return CodeTakenOr(inserted.status(), rec);
    const auto& rows = *inserted;
    if (rows.empty()) return Internal("insert returned no id");
    rec.id = decltype(rec.id)(AsInt(rows[0][0]));
    return rec;
  }

  Result<T> Get(TenantId tenant, std::int64_t id) override {
    const Value params[] = {tenant.value(), id};
    XB_ASSIGN_OR_RETURN(auto rows, conn_.Query(Columns().get_sql, params));
    if (rows.empty()) {
      return NotFound("no " + std::string(T::Spec().kind) + " with id " + std::to_string(id));
    }
    return Decode(rows[0], tenant);
  }

  Result<T> GetByCode(TenantId tenant, std::int64_t scope, std::string_view code) override {
    const auto& s = Columns();
    std::vector<Value> params{tenant.value(), std::string(code)};
    if (!T::Spec().code_scope.empty()) params.emplace_back(scope);
    XB_ASSIGN_OR_RETURN(auto rows, conn_.Query(s.by_code_sql, params));
    if (rows.empty()) {
      return NotFound("no " + std::string(T::Spec().kind) + " with code " + std::string(code));
    }
    return Decode(rows[0], tenant);
  }

  Status Update(const T& rec, std::int64_t expected_version) override {
    const auto& s = Columns();
    std::vector<Value> params;
    for (const auto* f : s.update_fields) params.push_back(ToParam(*f, f->get(rec)));
    params.emplace_back(rec.tenant_id.value());
    params.emplace_back(rec.id.value());
    params.emplace_back(expected_version);
    auto updated = conn_.Execute(s.update_sql, params);
    if (!updated.ok()) return CodeTakenOr(updated.status(), rec);
    if (*updated == 1) return Status::Ok();
    XB_ASSIGN_OR_RETURN(T current, Get(rec.tenant_id, rec.id.value()));
    return Conflict(std::string(T::Spec().kind) + " " + std::to_string(rec.id.value()) +
                    " changed meanwhile (now version " + std::to_string(current.version) + ")");
  }

  Result<Page<T>> List(TenantId tenant, const ListQuery& q) override {
    const auto& spec = T::Spec();
    std::string where = " WHERE \"tenant_id\" = ?";
    std::vector<Value> params{tenant.value()};
    if (q.include_active != q.include_archived) {
      where += " AND \"status\" = ?";
      params.emplace_back(std::string(q.include_active ? "active" : "archived"));
    } else if (!q.include_active) {
      where += " AND 1 = 0";
    }
    if (!q.search.empty()) {
      std::string pattern = "%";
      for (char c : ToLowerAscii(q.search)) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
      }
      pattern += '%';
      std::string any;
      // Only ASCII letters fold, as in the pattern above and in memory. PostgreSQL's LOWER()
      // follows the database's character type (a UTF-8 locale folds "È" too), so it is asked to
      // lower under the "C" collation; SQLite's LOWER() folds ASCII only.
      const std::string collate =
          conn_.dialect() == Dialect::kPostgresql ? std::string(" COLLATE \"C\"") : std::string();
      for (const auto& f : spec.fields) {
        if (!f.has(kSearchable)) continue;
        any += any.empty() ? "" : " OR ";
        any += "LOWER(\"" + std::string(f.name) + "\"" + collate + ") LIKE ? ESCAPE '\\'";
        params.emplace_back(pattern);
      }
      where += " AND (" + any + ")";
    }
    for (const auto& [name, value] : q.equals) {
      const auto* f = spec.Find(name);
      if (f == nullptr) return InvalidArgument("unknown filter '" + name + "'", name);
      if (std::holds_alternative<std::monostate>(value)) {
        where += " AND \"" + name + "\" IS NULL";
      } else {
        where += " AND \"" + name + "\" = ?";
        params.push_back(ToParam(*f, value));
      }
    }
    const auto* sort = spec.Find(q.sort);
    if (sort == nullptr) return InvalidArgument("sort: unknown field '" + q.sort + "'", "sort");
    Page<T> page;
    page.limit = q.limit;
    page.offset = q.offset;
    XB_ASSIGN_OR_RETURN(auto count, conn_.Query("SELECT COUNT(*) FROM " + Table() + where, params));
    page.total = AsInt(count.at(0).at(0));
    // Absent values sort as the smallest (first ascending, last descending) on every dialect:
    // PostgreSQL's default is the opposite of SQLite's, so it is spelled out.
    std::string sql = "SELECT " + Columns().select_list + " FROM " + Table() + where +
                      " ORDER BY \"" + std::string(sort->name) + "\"" +
                      (q.descending ? " DESC NULLS LAST" : " NULLS FIRST") + ", \"id\"" +
                      (q.descending ? " DESC" : "") + " LIMIT ? OFFSET ?";
    params.emplace_back(q.limit);
    params.emplace_back(q.offset);
    XB_ASSIGN_OR_RETURN(auto rows, conn_.Query(sql, params));
    page.items.reserve(rows.size());
    for (const auto& row : rows) page.items.push_back(Decode(row, tenant));
    return page;
  }

 private:
  struct Statements {
    std::vector<const FieldSpec<T>*> all_fields;     // select order
    std::vector<const FieldSpec<T>*> insert_fields;  // all but id
    std::vector<const FieldSpec<T>*> update_fields;  // all but id, code scope
    std::string select_list;
    std::string insert_sql;
    std::string get_sql;
    std::string by_code_sql;
    std::string update_sql;
  };

  static std::string Table() { return std::string(T::Spec().table); }

  // The only unique key a record table has besides its generated id is the code (in its tenant
  // and scope): a violation is reported on the code field, as the memory store does, and not in
  // the database's words (constraint names, tenant ids).
  static Status CodeTakenOr(const Status& st, const T& rec) {
    if (st.code() != ErrorCode::kAlreadyExists) return st;
    return AlreadyExists(
        "code: " + std::string(T::Spec().kind) + " " + rec.code + " already exists", "code");
  }

  static const Statements& Columns() {
    static const Statements s = [] {
      Statements st;
      const auto& spec = T::Spec();
      std::string insert_cols = "\"tenant_id\"";
      std::string insert_vals = "?";
      std::string sets;
      for (const auto& f : spec.fields) {
        st.all_fields.push_back(&f);
        st.select_list += (st.select_list.empty() ? "\"" : ", \"") + std::string(f.name) + "\"";
        if (f.name == "id") continue;
        st.insert_fields.push_back(&f);
        insert_cols += ", \"" + std::string(f.name) + "\"";
        insert_vals += ", ?";
        if (f.name == spec.code_scope) continue;
        st.update_fields.push_back(&f);
        sets += (sets.empty() ? "\"" : ", \"") + std::string(f.name) + "\" = ?";
      }
      st.insert_sql = "INSERT INTO " + Table() + " (" + insert_cols + ") VALUES (" + insert_vals +
                      ") RETURNING \"id\"";
      st.get_sql = "SELECT " + st.select_list + " FROM " + Table() +
                   " WHERE \"tenant_id\" = ? AND \"id\" = ?";
      st.by_code_sql = "SELECT " + st.select_list + " FROM " + Table() +
                       " WHERE \"tenant_id\" = ? AND \"code\" = ?";
      if (!spec.code_scope.empty()) {
        st.by_code_sql += " AND \"" + std::string(spec.code_scope) + "\" = ?";
      }
      st.update_sql = "UPDATE " + Table() + " SET " + sets +
                      " WHERE \"tenant_id\" = ? AND \"id\" = ? AND \"version\" = ?";
      return st;
    }();
    return s;
  }

  static Value ToParam(const FieldSpec<T>& /*field*/, const FieldValue& v) { return v; }

  static T Decode(const Row& row, TenantId tenant) {
    T rec{};
    rec.tenant_id = tenant;
    const auto& s = Columns();
    for (std::size_t i = 0; i < s.all_fields.size(); ++i) {
      const auto& f = *s.all_fields[i];
      const auto& cell = row[i];
      if (!cell) {
        f.set(rec, std::monostate{});
        continue;
      }
      switch (f.type) {
        case FieldType::kText:
        case FieldType::kEnum:
          f.set(rec, *cell);
          break;
        case FieldType::kBool:
          f.set(rec, AsBool(cell));
          break;
        case FieldType::kInt:
        case FieldType::kMilli:
        case FieldType::kTimestamp:
          f.set(rec, AsInt(cell));
          break;
      }
    }
    return rec;
  }

  Connection& conn_;
};

}  // namespace xb::sql
