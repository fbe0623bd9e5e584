// Result<T>: a value or an Errno, never both. The seam's only way to report failure.
// Status is Result<void>. Accessing value() of an error is a programmer error and aborts.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <variant>

#include "os/errno.hpp"

namespace papaya {

[[noreturn]] inline void result_misuse(const char* what) {
  std::fprintf(stderr, "papaya: Result misuse: %s\n", what);
  std::abort();
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Errno e) : v_(e) {
    if (e == Errno::ok) result_misuse("error Result built from Errno::ok");
  }  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  Errno error() const { return ok() ? Errno::ok : std::get<1>(v_); }

  T& value() & {
    if (!ok()) result_misuse("value() of an error");
    return std::get<0>(v_);
  }
  const T& value() const& {
    if (!ok()) result_misuse("value() of an error");
    return std::get<0>(v_);
  }
  T&& value() && {
    if (!ok()) result_misuse("value() of an error");
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T value_or(T fallback) const { return ok() ? std::get<0>(v_) : fallback; }

  friend bool operator==(const Result& a, const Result& b) { return a.v_ == b.v_; }

 private:
  std::variant<T, Errno> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Errno e) : e_(e) {}  // NOLINT: implicit by design; Errno::ok means success
  bool ok() const { return e_ == Errno::ok; }
  explicit operator bool() const { return ok(); }
  Errno error() const { return e_; }
  friend bool operator==(const Result& a, const Result& b) { return a.e_ == b.e_; }

 private:
  Errno e_ = Errno::ok;
};

using Status = Result<void>;

}  // namespace papaya
