// Checked<T>: the answer of a startup step that may refuse, with a one-line reason a person can
// act on ("key file /etc/papaya.key is readable by group or others (mode 0644); chmod 600 it").
// Result<T> carries an Errno for the seam; startup steps carry sentences for the operator.
#pragma once

#include <string>
#include <utility>

namespace papaya::real {

template <class T>
struct Checked {
  T value{};
  std::string error;  // one line, no trailing newline; empty when ok()
  bool ok() const { return error.empty(); }
};

template <class T>
Checked<T> refuse(std::string why) {
  return Checked<T>{T{}, std::move(why)};
}

}  // namespace papaya::real
