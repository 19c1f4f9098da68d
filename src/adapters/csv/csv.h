// CSV (RFC 4180) reading and writing, and the conversion of master records to and from CSV rows
// driven by the record's field list. Reading reports every bad cell with its line and column.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "flows/masterdata/master_data_service.h"

namespace xb::csv {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // row i is on line lines[i]
  std::vector<std::int64_t> lines;
};

// Parses `text` (first line is the header). Quoted fields may hold commas, quotes ("") and line
// breaks. kInvalidArgument names the line of a malformed quote or a row of the wrong width.
Result<Table> Parse(std::string_view text);

// Quotes a cell when it holds a comma, quote, CR or LF, or starts with = + - @ (so spreadsheets
// do not evaluate it as a formula). Such a formula-like cell, and one that starts with an
// apostrophe, is guarded with a leading apostrophe, which ToImportRows removes again: a text that
// goes out and comes back in is unchanged.
std::string Cell(std::string_view value);

// The CSV export of records: a header of the spec's field names, one row per record.
template <class T>
std::string Export(const std::vector<T>& records);

// Converts a parsed table into import rows; every cell that does not fit its field is reported.
// A text cell's leading apostrophe before = + - @ or another apostrophe is a guard (the
// spreadsheet convention, and what Cell writes) and is dropped.
template <class T>
std::vector<masterdata::ImportRow> ToImportRows(const Table& table,
                                                std::vector<masterdata::RowError>& errors);

}  // namespace xb::csv
