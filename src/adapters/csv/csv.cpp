#include "adapters/csv/csv.h"

#include "core/text.h"

namespace xb::csv {

Result<Table> Parse(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
  Table table;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  bool cell_started = false;
  std::int64_t line = 1;
  std::int64_t row_line = 1;
  const auto end_row = [&]() -> Status {
    row.push_back(std::move(cell));
    cell.clear();
    cell_started = false;
    const bool blank = row.size() == 1 && row[0].empty();
    if (!blank) {
      if (table.header.empty()) {
        table.header = std::move(row);
      } else {
        if (row.size() != table.header.size()) {
          return InvalidArgument("line " + std::to_string(row_line) + ": has " +
                                 std::to_string(row.size()) + " cells, the header has " +
                                 std::to_string(table.header.size()));
        }
        table.rows.push_back(std::move(row));
        table.lines.push_back(row_line);
      }
    }
    row.clear();
    return Status::Ok();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"') {
      if (cell_started && !cell.empty()) {
        return InvalidArgument("line " + std::to_string(line) +
                               ": a quote inside an unquoted cell");
      }
      quoted = true;
      cell_started = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
      cell_started = false;
    } else if (c == '\r') {
      continue;
    } else if (c == '\n') {
      XB_RETURN_IF_ERROR(end_row());
      ++line;
      row_line = line;
    } else {
      cell += c;
      cell_started = true;
    }
  }
  if (quoted) return InvalidArgument("line " + std::to_string(row_line) + ": unclosed quote");
  if (!cell.empty() || !row.empty()) XB_RETURN_IF_ERROR(end_row());
  if (table.header.empty()) return InvalidArgument("the file is empty: it needs a header line");
  return table;
}

std::string Cell(std::string_view value) {
  // A leading apostrophe is guarded too, so that import can tell a guard from text.
  const bool formula = !value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' ||
                                          value[0] == '@' || value[0] == '\'');
  // A leading '-' is kept for negative numbers; only non-numeric cells get the guard quote.
  const bool numeric = !value.empty() && ParseInt64(value).has_value();
  if (!formula && value.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(value);
  }
  if (formula && numeric && value.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(value);
  }
  std::string out = "\"";
  if (formula && !numeric) out += '\'';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

template <class T>
std::string Export(const std::vector<T>& records) {
  const auto& spec = T::Spec();
  std::string out;
  for (std::size_t i = 0; i < spec.fields.size(); ++i) {
    if (i > 0) out += ',';
    out += spec.fields[i].name;
  }
  out += "\r\n";
  for (const auto& rec : records) {
    for (std::size_t i = 0; i < spec.fields.size(); ++i) {
      if (i > 0) out += ',';
      const auto& f = spec.fields[i];
      out += Cell(masterdata::FieldText(f.get(rec), f.type).value_or(""));
    }
    out += "\r\n";
  }
  return out;
}

template <class T>
std::vector<masterdata::ImportRow> ToImportRows(const Table& table,
                                                std::vector<masterdata::RowError>& errors) {
  const auto& spec = T::Spec();
  std::vector<const FieldSpec<T>*> columns;
  bool has_code = false;
  for (const auto& name : table.header) {
    const auto* f = spec.Find(Trim(name));
    if (f == nullptr) {
      errors.push_back({1, std::string(Trim(name)), "unknown column"});
    } else if (f->name == "code") {
      has_code = true;
    }
    columns.push_back(f);
  }
  if (!has_code) errors.push_back({1, "code", "the header needs a code column"});
  if (!errors.empty()) return {};
  std::vector<masterdata::ImportRow> rows;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    masterdata::ImportRow row;
    row.line = table.lines[r];
    bool ok = true;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const auto& f = *columns[c];
      if (f.has(kReadOnly)) continue;  // id, status, version, times: exported, never imported
      const std::string_view text = Trim(table.rows[r][c]);
      const auto bad = [&](std::string reason) {
        errors.push_back({row.line, std::string(f.name), std::move(reason)});
        ok = false;
      };
      if (text.empty()) {
        if (f.has(kNullable)) {
          row.values.emplace_back(std::string(f.name), std::monostate{});
        } else {
          bad("is required");
        }
        continue;
      }
      switch (f.type) {
        case FieldType::kText: {
          std::string_view value = text;
          if (value.size() >= 2 && value[0] == '\'' &&
              std::string_view("=+-@'").find(value[1]) != std::string_view::npos) {
            value.remove_prefix(1);  // the formula guard Cell writes
          }
          if (!IsCleanUtf8(value)) {
            bad("is not clean UTF-8 text");
          } else {
            row.values.emplace_back(std::string(f.name), std::string(value));
          }
          break;
        }
        case FieldType::kEnum: {
          bool known = false;
          for (auto choice : f.choices) known = known || choice == text;
          if (known) {
            row.values.emplace_back(std::string(f.name), std::string(text));
          } else {
            std::string list;
            for (auto choice : f.choices) list += (list.empty() ? "" : ", ") + std::string(choice);
            bad("must be one of " + list);
          }
          break;
        }
        case FieldType::kInt: {
          auto n = ParseInt64(text);
          if (!n) {
            bad("must be an integer");
          } else {
            row.values.emplace_back(std::string(f.name), *n);
          }
          break;
        }
        case FieldType::kBool: {
          const std::string v = ToLowerAscii(text);
          if (v == "true" || v == "1" || v == "yes") {
            row.values.emplace_back(std::string(f.name), true);
          } else if (v == "false" || v == "0" || v == "no") {
            row.values.emplace_back(std::string(f.name), false);
          } else {
            bad("must be true or false");
          }
          break;
        }
        case FieldType::kMilli: {
          auto m = ParseMilli(text);
          if (!m) {
            bad("must be a non-negative number with at most 3 decimals");
          } else {
            row.values.emplace_back(std::string(f.name), *m);
          }
          break;
        }
        case FieldType::kTimestamp:
          break;
      }
    }
    if (ok) rows.push_back(std::move(row));
  }
  return rows;
}

#define XB_CSV_INSTANTIATE(T)                                               \
  template std::string Export<T>(const std::vector<T>&);                    \
  template std::vector<masterdata::ImportRow> ToImportRows<T>(const Table&, \
                                                              std::vector<masterdata::RowError>&);
XB_CSV_INSTANTIATE(catalog::Sku)
XB_CSV_INSTANTIATE(partners::Supplier)
XB_CSV_INSTANTIATE(partners::Brand)
XB_CSV_INSTANTIATE(partners::Channel)
XB_CSV_INSTANTIATE(partners::Carrier)
XB_CSV_INSTANTIATE(partners::Warehouse)
XB_CSV_INSTANTIATE(partners::Bin)

}  // namespace xb::csv
