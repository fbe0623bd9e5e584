// Chunked<T>: an append-only sequence in fixed-size chunks, the chunks recycled through a
// per-thread pool. A run appends a trace step per scheduling step; a std::vector would copy
// everything on each growth and, run after run, fault fresh pages in (the benchmark saw the trace
// cost twice the rest of a simulated call). Chunks never move, and a second run reuses the first
// run's memory. T must be trivially copyable (it is stored in raw chunks).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <iterator>
#include <new>
#include <type_traits>
#include <vector>

namespace papaya::traces {

namespace detail {
// Raw chunk memory of one size, kept per thread for reuse (at most `keep` chunks).
class ChunkPool {
 public:
  static constexpr std::size_t chunk_bytes = 1u << 16;
  static constexpr std::size_t keep = 1024;  // 64 MiB
  static void* get() {
    auto& f = free_list();
    if (f.empty()) {
      void* p = std::malloc(chunk_bytes);
      if (!p) throw std::bad_alloc();
      return p;
    }
    void* p = f.back();
    f.pop_back();
    return p;
  }
  static void put(void* p) noexcept {
    auto& f = free_list();
    if (f.size() >= keep) {
      std::free(p);
      return;
    }
    try {
      f.push_back(p);
    } catch (...) {
      std::free(p);
    }
  }

 private:
  struct FreeList : std::vector<void*> {
    ~FreeList() {
      for (void* p : *this) std::free(p);
    }
  };
  static FreeList& free_list() {
    static thread_local FreeList list;
    return list;
  }
};
}  // namespace detail

template <class T>
class Chunked {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  static constexpr std::size_t per_chunk = detail::ChunkPool::chunk_bytes / sizeof(T);

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;
    const_iterator() = default;
    const_iterator(const Chunked* c, std::size_t i) : c_(c), i_(i) {}
    const T& operator*() const { return (*c_)[i_]; }
    const T* operator->() const { return &(*c_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator t = *this;
      ++i_;
      return t;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.i_ == b.i_;
    }

   private:
    const Chunked* c_ = nullptr;
    std::size_t i_ = 0;
  };

  Chunked() = default;
  Chunked(const Chunked& o) {
    for (const T& v : o) emplace_back() = v;
  }
  Chunked& operator=(const Chunked& o) {
    if (this != &o) {
      clear();
      for (const T& v : o) emplace_back() = v;
    }
    return *this;
  }
  Chunked(Chunked&& o) noexcept : chunks_(std::move(o.chunks_)), size_(o.size_) { o.size_ = 0; }
  Chunked& operator=(Chunked&& o) noexcept {
    if (this != &o) {
      clear();
      chunks_ = std::move(o.chunks_);
      size_ = o.size_;
      o.size_ = 0;
    }
    return *this;
  }
  ~Chunked() { clear(); }

  // Appends a value-initialised element and returns it.
  T& emplace_back() {
    if (size_ == chunks_.size() * per_chunk)
      chunks_.push_back(static_cast<T*>(detail::ChunkPool::get()));
    T* slot = chunks_[size_ / per_chunk] + size_ % per_chunk;
    ::new (static_cast<void*>(slot)) T{};
    ++size_;
    return *slot;
  }
  void push_back(const T& v) { emplace_back() = v; }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](std::size_t i) const { return chunks_[i / per_chunk][i % per_chunk]; }
  T& operator[](std::size_t i) { return chunks_[i / per_chunk][i % per_chunk]; }
  const T& back() const { return (*this)[size_ - 1]; }
  T& back() { return (*this)[size_ - 1]; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

  void clear() {
    for (T* c : chunks_) detail::ChunkPool::put(c);
    chunks_.clear();
    size_ = 0;
  }

 private:
  std::vector<T*> chunks_;
  std::size_t size_ = 0;
};

}  // namespace papaya::traces
