// Write-behind for the order-intake hot path: rows that cannot collide with anything (ledger rows
// with fresh ids, the lines of an order already inserted) are kept in the store and written in
// multi-row statements: a full statement's worth as soon as it is pending, the rest when the
// transaction commits or before the store next reads. Over
// PostgreSQL every statement is a round trip; an intake batch of thousands of orders then costs a
// few dozen statements for these rows instead of several per order.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/sql/connection.h"
#include "adapters/sql/statement_shapes.h"

namespace xb::sql {

// Rows of one table waiting to be inserted: their values in column order. Full batches go out as
// rows come in (FlushFull), so the buffer stays small however large the transaction; the rest
// goes at Flush. The statement texts are built once per batch size.
class PendingRows {
 public:
  PendingRows(std::string insert_head, std::size_t columns)
      : head_(std::move(insert_head)), columns_(columns) {}

  std::vector<Value>& values() {
    if (values_.capacity() == 0) values_.reserve((kBatch + kSlack) * columns_);
    return values_;
  }
  bool empty() const { return values_.empty(); }

  // Inserts every pending row, at most kBatch per statement; a rest goes in power-of-two pieces,
  // so a connection prepares at most seven variants of the statement.
  Status Flush(Connection& c) {
    const std::span<const Value> all(values_);
    const std::size_t rows = values_.size() / columns_;
    std::size_t done = 0;
    while (done < rows) {
      const std::size_t n = NextBatch(rows - done, kBatch);
      auto st = c.Execute(Statement(n), all.subspan(done * columns_, n * columns_));
      if (!st.ok()) return st.status();
      done += n;
    }
    values_.clear();
    return Status::Ok();
  }

  // Inserts the pending rows in statements of kBatch while that many are pending (callers add a
  // few rows at a time); the rest stays pending.
  Status FlushFull(Connection& c) {
    const std::size_t batch = kBatch * columns_;
    std::size_t done = 0;
    while (values_.size() - done >= batch) {
      auto st = c.Execute(Statement(kBatch), std::span<const Value>(values_).subspan(done, batch));
      if (!st.ok()) return st.status();
      done += batch;
    }
    if (done > 0) {
      values_.erase(values_.begin(), values_.begin() + static_cast<std::ptrdiff_t>(done));
    }
    return Status::Ok();
  }

  static constexpr std::size_t kBatch = 64;

 private:
  static constexpr std::size_t kSlack = 16;  // rows added after a full batch, before FlushFull

  // "INSERT INTO t (a, b) VALUES (?, ?), ..." for `n` rows, n a power of two up to kBatch.
  const std::string& Statement(std::size_t n) {
    std::size_t k = 0;
    while ((std::size_t{1} << k) < n) ++k;
    std::string& text = statements_[k];
    if (text.empty()) text = head_ + " VALUES " + RowPlaceholders(n, columns_);
    return text;
  }

  std::string head_;  // "INSERT INTO t (a, b, c)"
  std::size_t columns_;
  std::vector<Value> values_;
  std::array<std::string, 7> statements_;  // by log2 of the rows
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
