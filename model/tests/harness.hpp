// A kernel driven by hand: the test decides who steps and answers the kernel's decisions from a
// script (default 0), so each rule can be checked at the exact interleaving it is about.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "model/kernel.hpp"

namespace papaya::model::testing {

class Harness : public Choices {
 public:
  Harness() { init = k.create_init(); }

  std::uint32_t choose(std::uint32_t n, DecisionKind kind) override {
    asked.push_back(kind);
    if (answers.empty()) return 0;
    std::uint32_t a = answers.front();
    answers.pop_front();
    return a < n ? a : n - 1;
  }

  // Submits `op` for `pid` and steps it once.
  Outcome call(Pid pid, const Op& op) {
    k.submit(pid, op);
    Outcome o = k.step(pid);
    k.check_invariants();
    return o;
  }
  // Steps `pid`'s pending operation again (after it blocked or progressed).
  Outcome again(Pid pid) {
    Outcome o = k.step(pid);
    k.check_invariants();
    return o;
  }
  // Runs `op` to completion: REQUIRES it never blocks.
  Outcome done(Pid pid, const Op& op) {
    Outcome o = call(pid, op);
    while (o.status == StepStatus::progress) o = again(pid);
    EXPECT_EQ(o.status, StepStatus::done) << op_name(kind_of(op));
    return o;
  }
  std::int64_t ok(Pid pid, const Op& op) {
    Outcome o = done(pid, op);
    EXPECT_EQ(o.err, Errno::ok) << op_name(kind_of(op)) << ": " << errno_name(o.err);
    return o.ret;
  }
  Pid fork(Pid parent) { return static_cast<Pid>(ok(parent, op::Fork{})); }
  Fd open(Pid pid, std::string_view path, OpenFlags flags = OpenFlags::rdwr | OpenFlags::creat) {
    return static_cast<Fd>(ok(pid, op::Open{path, flags, 0600}));
  }
  std::string read(Pid pid, Fd fd, std::size_t n = 4096) {
    std::string buf(n, '\0');
    Outcome o = done(pid, op::Read{fd, std::span<char>(buf.data(), buf.size())});
    EXPECT_EQ(o.err, Errno::ok);
    buf.resize(o.err == Errno::ok ? static_cast<std::size_t>(o.ret) : 0);
    return buf;
  }
  std::string pread(Pid pid, Fd fd, Offset off, std::size_t n = 4096) {
    std::string buf(n, '\0');
    Outcome o = done(pid, op::Pread{fd, std::span<char>(buf.data(), buf.size()), off});
    buf.resize(o.err == Errno::ok ? static_cast<std::size_t>(o.ret) : 0);
    return buf;
  }

  Kernel k{*this};
  Pid init = 0;
  std::deque<std::uint32_t> answers;
  std::vector<DecisionKind> asked;
};

}  // namespace papaya::model::testing
