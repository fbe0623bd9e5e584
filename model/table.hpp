// Table: one of the kernel's object tables (open file descriptions, inodes, pipes, socket ends,
// listeners), indexed by id; ids are never reused, so a table only grows.
//
// The objects live in a deque, as before: a reference stays valid while the table grows (a rule
// may hold one object while it creates another). Beside it, an index of pointers: element `id` is
// one load away, where deque's operator[] works out a block and an offset at every lookup. Every
// descriptor call looks its description up (file_of) and then the object behind it, once or twice
// a step (docs/performance.md, "Wave 9").
#pragma once

#include <cstddef>
#include <deque>
#include <vector>

#include "model/check.hpp"

namespace papaya::model {

template <class T>
class Table {
 public:
  Table() = default;
  // The index points into this table's own deque: a copy would point into the original's.
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  T& emplace_back() {
    T& x = items_.emplace_back();
    index_.push_back(&x);
    return x;
  }
  std::size_t size() const { return index_.size(); }
  // REQUIRES: id < size() (unchecked, as the deque's operator[] was).
  T& operator[](std::size_t id) { return *index_[id]; }
  const T& operator[](std::size_t id) const { return *index_[id]; }
  // In id order.
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 private:
  std::deque<T> items_;
  std::vector<T*> index_;  // index_[id] == &items_[id]
};

}  // namespace papaya::model
