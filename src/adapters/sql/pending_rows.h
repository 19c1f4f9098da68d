// Write-behind for the order-intake hot path: rows that cannot collide with anything (ledger rows
// with fresh ids, the lines of an order already inserted) are kept in the store and written in
// multi-row statements when the transaction commits, or before the store next reads. Over
// PostgreSQL every statement is a round trip; an intake batch of thousands of orders then costs a
// few dozen statements for these rows instead of several per order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/sql/connection.h"
#include "adapters/sql/statement_shapes.h"

namespace xb::sql {

// Rows of one table waiting to be inserted: their values in column order.
class PendingRows {
 public:
  PendingRows(std::string insert_head, std::size_t columns)
      : head_(std::move(insert_head)), columns_(columns) {}

  std::vector<Value>& values() { return values_; }
  bool empty() const { return values_.empty(); }

  // Inserts every pending row, at most kBatch per statement; a rest goes in power-of-two pieces,
  // so a connection prepares at most eight variants of the statement.
  Status Flush(Connection& c) {
    const std::span<const Value> all(values_);
    const std::size_t rows = values_.size() / columns_;
    std::size_t done = 0;
    while (done < rows) {
      std::size_t n = kBatch;
      if (rows - done < kBatch) {
        n = 1;
        while (n * 2 <= rows - done) n *= 2;
      }
      auto st = c.Execute(head_ + " VALUES " + RowPlaceholders(n, columns_),
                          all.subspan(done * columns_, n * columns_));
      if (!st.ok()) return st.status();
      done += n;
    }
    values_.clear();
    return Status::Ok();
  }

  static constexpr std::size_t kBatch = 64;

 private:
  std::string head_;  // "INSERT INTO t (a, b, c)"
  std::size_t columns_;
  std::vector<Value> values_;
};

// Fresh ids of a table whose ids only this writer hands out within its transaction: SQLite's
// writer holds the database's write lock, so the ids after the highest are free; PostgreSQL hands
// out blocks of the identity's sequence (unused ones are skipped, as sequences do).
class IdPool {
 public:
  explicit IdPool(std::string table) : table_(std::move(table)) {}

  Result<std::int64_t> Next(Connection& c) {
    if (c.dialect() == Dialect::kSqlite) {
      if (next_ == 0) {
        auto rows = c.Query("SELECT COALESCE(MAX(id), 0) FROM " + table_, {});
        if (!rows.ok()) return rows.status();
        next_ = AsInt(rows->at(0)[0]) + 1;
      }
      return next_++;
    }
    if (taken_ == block_.size()) {
      // Blocks grow with use: a small transaction wastes few numbers, a batch asks rarely.
      const Value n[] = {block_size_};
      block_size_ = std::min<std::int64_t>(block_size_ * 4, kMaxBlock);
      auto rows = c.Query("SELECT nextval(pg_get_serial_sequence('" + table_ +
                              "', 'id')) FROM generate_series(1, ?)",
                          n);
      if (!rows.ok()) return rows.status();
      block_.clear();
      for (const auto& r : *rows) block_.push_back(AsInt(r[0]));
      std::sort(block_.begin(), block_.end());
      taken_ = 0;
      if (block_.empty()) return Internal("could not number the rows of " + table_);
    }
    return block_[taken_++];
  }

 private:
  static constexpr std::int64_t kMaxBlock = 4096;
  std::string table_;
  std::int64_t block_size_ = 16;
  std::int64_t next_ = 0;            // SQLite
  std::vector<std::int64_t> block_;  // PostgreSQL
  std::size_t taken_ = 0;
};

}  // namespace xb::sql
