// An append-only table of the memory database shared by every copy of the state, as the stock
// ledger is: each state remembers how many rows it sees, and a writer (which holds the database
// alone) first drops rows a rolled-back writer left past that count, then appends.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace xb::memory {

template <class T>
struct AppendLog {
  std::shared_ptr<std::vector<T>> rows = std::make_shared<std::vector<T>>();
  std::size_t count = 0;  // rows [0, count) belong to this state

  // Drops what a rolled-back writer left, then appends; returns the row's id (1-based position).
  std::int64_t Append(T row) {
    rows->resize(count);
    rows->push_back(std::move(row));
    count = rows->size();
    return static_cast<std::int64_t>(count);
  }
  std::span<const T> view() const { return {rows->data(), count}; }
};

}  // namespace xb::memory
