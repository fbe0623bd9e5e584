// Segments: the bytes that arrived at one end of a TCP connection and were not received yet,
// oldest first, as the segments they came in (a send may arrive cut into several; how many of
// them a recv finds there is the chooser's decision, so the cuts are part of the state).
//
// One byte buffer and one list of segment lengths per stream, each consumed from the front by an
// offset, where a std::string per segment cost a malloc and a free at every send
// (docs/performance.md, "Wave 10"). Both keep their capacity: once a stream has been drained,
// later sends reuse it. The consumed front is dropped when a stream drains, or at a push once it
// is at least as long as what is left (so the buffer never holds more than twice the unread
// bytes plus the last push).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/check.hpp"

namespace papaya::model {

class Segments {
 public:
  // How many segments, and how many bytes in all, are waiting.
  std::size_t count() const { return lens_.size() - first_; }
  std::size_t bytes() const { return buf_.size() - head_; }
  bool empty() const { return count() == 0; }
  // The length of segment i (0: the oldest). REQUIRES: i < count().
  std::size_t length(std::size_t i) const { return lens_[first_ + i]; }

  // Appends one segment. REQUIRES: s is not empty.
  void push(std::string_view s) {
    PAPAYA_ASSERT(!s.empty(), "an empty segment");
    if (head_ > 0 && head_ >= bytes()) {
      buf_.erase(0, head_);
      lens_.erase(lens_.begin(), lens_.begin() + static_cast<std::ptrdiff_t>(first_));
      head_ = first_ = 0;
    }
    buf_.append(s);
    lens_.push_back(static_cast<std::uint32_t>(s.size()));
  }

  // Copies the first out.size() bytes into `out` and removes them: whole segments, and the front
  // of the last one they reach when they end inside it. REQUIRES: out.size() <= bytes().
  void take(std::span<char> out) {
    std::size_t n = out.size();
    PAPAYA_ASSERT(n <= bytes(), "taking more bytes than a stream holds");
    std::memcpy(out.data(), buf_.data() + head_, n);
    head_ += n;
    while (n > 0) {
      std::uint32_t& len = lens_[first_];
      if (len > n) {
        len -= static_cast<std::uint32_t>(n);
        return;
      }
      n -= len;
      ++first_;
    }
    if (first_ == lens_.size()) clear();
  }

  void clear() {
    buf_.clear();
    lens_.clear();
    head_ = first_ = 0;
  }

  // The segments' lengths add up to the bytes waiting (Kernel::check_invariants).
  bool consistent() const {
    std::size_t n = 0;
    for (std::size_t i = first_; i < lens_.size(); ++i) n += lens_[i];
    return n == bytes() && head_ <= buf_.size();
  }

  // Calls f(segment) for each segment, oldest first.
  template <class F>
  void each(F&& f) const {
    std::size_t at = head_;
    for (std::size_t i = first_; i < lens_.size(); ++i) {
      f(std::string_view(buf_).substr(at, lens_[i]));
      at += lens_[i];
    }
  }

 private:
  std::string buf_;                  // the segments' bytes, from head_ on
  std::size_t head_ = 0;             // bytes of buf_ already received
  std::vector<std::uint32_t> lens_;  // the segments' lengths, from first_ on
  std::size_t first_ = 0;            // segments of lens_ already received
};

}  // namespace papaya::model
