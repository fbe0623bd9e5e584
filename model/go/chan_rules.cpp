// Channels and select (Go 1.19.8 runtime/chan.go, runtime/select.go): buffered and unbuffered
// send and receive, close, receive from a closed channel, send on a closed channel panics, nil
// channels block forever, select's uniformly random poll order and its default case.
#include <algorithm>
#include <array>
#include <span>

#include "model/go/runtime.hpp"

namespace papaya::model::go {

// runtime/chan.go waitq.dequeue: "// if a goroutine was put on this queue because of a select,
// there is a small window between the goroutine being woken up by a different case and it
// grabbing the channel locks. Once it has the lock it removes itself from the queue" ... "if
// sgp.isSelect && !atomic.Cas(&sgp.g.selectDone, 0, 1) { continue }". The model removes a select's
// other sudogs when it fires (drop_select_waiters), so every queued waiter is live.
std::optional<Waiter> Runtime::dequeue(Queue<Waiter>& q) {
  if (q.empty()) return std::nullopt;
  Waiter w = q.front();
  q.pop_front();
  return w;
}

void Runtime::drop_select_waiters(Gid g) {
  auto mine = [g](const Waiter& w) { return w.g == g; };
  for (Chan& c : chans_) {
    std::erase_if(c.recvq, mine);
    std::erase_if(c.sendq, mine);
  }
}

// runtime/chan.go send: "// The receiver is then woken up to go on its merry way." ...
// "goready(gp, skip+1)" (runnext). The woken goroutine learns what it got: value, ok, the case.
void Runtime::wake_waiter(const Waiter& w, P* pp, std::int64_t value, bool ok) {
  G& t = gr(w.g);
  t.value = value;
  t.ok = ok;
  t.chosen = w.case_index;
  if (w.case_index >= 0) drop_select_waiters(w.g);
  ready(w.g, pp, true);
}

GoOutcome Runtime::resume_chan(G& gp) {
  if (gp.closed_send) {
    end(Ending::panic, "panic: send on closed channel");
    return {GoStatus::ended};
  }
  return {GoStatus::done, gp.value, gp.ok, gp.chosen};
}

// runtime/chan.go chansend: "if c == nil { ... gopark(nil, nil, waitReasonChanSendNilChan, ...)
// throw("unreachable") }" ... "if c.closed != 0 { unlock(&c.lock); panic(plainError("send on
// closed channel")) }" "if sg := c.recvq.dequeue(); sg != nil { // Found a waiting receiver. We
// pass the value we want to send directly to the receiver, bypassing the channel buffer (if any)."
// "if c.qcount < c.dataqsiz { // Space is available in the channel buffer. Enqueue the element to
// send." ... "// Block on the channel." ... "gopark(chanparkcommit, ..., waitReasonChanSend, ...)"
// and after waking "if closed { ... panic(plainError("send on closed channel")) }".
GoOutcome Runtime::chansend(G& gp, P& pp, ObjId id, std::int64_t v) {
  if (gp.phase == 1) return resume_chan(gp);
  if (id == 0) {
    gp.phase = 1;
    park(gp, pp, WaitReason::chan_send_nil);
    return {GoStatus::parked};
  }
  PAPAYA_ASSERT(id < chans_.size(), "send on no such channel");
  Chan& c = chans_[id];
  if (c.closed) {
    end(Ending::panic, "panic: send on closed channel");
    return {GoStatus::ended};
  }
  if (auto w = dequeue(c.recvq)) {
    wake_waiter(*w, &pp, v, true);
    return {GoStatus::done};
  }
  if (c.buf.size() < c.cap) {
    c.buf.push_back(v);
    return {GoStatus::done};
  }
  c.sendq.push_back({gp.id, -1, v});
  gp.phase = 1;
  gp.closed_send = false;
  park(gp, pp, WaitReason::chan_send);
  return {GoStatus::parked};
}

// runtime/chan.go chanrecv: "if c == nil { ... gopark(nil, nil, waitReasonChanReceiveNilChan,
// ...)" ... "if c.closed != 0 { if c.qcount == 0 { ... return true, false }" "// Just found
// waiting sender with not closed. if sg := c.sendq.dequeue(); sg != nil { // Found a waiting
// sender. If buffer is size 0, receive value directly from sender. Otherwise, receive from head
// of queue and add sender's value to the tail of the queue" "if c.qcount > 0 { // Receive
// directly from queue" ... "gopark(chanparkcommit, ..., waitReasonChanReceive, ...)".
GoOutcome Runtime::chanrecv(G& gp, P& pp, ObjId id) {
  if (gp.phase == 1) return resume_chan(gp);
  if (id == 0) {
    gp.phase = 1;
    park(gp, pp, WaitReason::chan_receive_nil);
    return {GoStatus::parked};
  }
  PAPAYA_ASSERT(id < chans_.size(), "receive on no such channel");
  Chan& c = chans_[id];
  if (c.closed && c.buf.empty()) return {GoStatus::done, 0, false};
  if (!c.closed) {
    if (auto w = dequeue(c.sendq)) {
      std::int64_t v = w->value;
      if (c.cap > 0) {
        v = c.buf.front();
        c.buf.pop_front();
        c.buf.push_back(w->value);
      }
      wake_waiter(*w, &pp, 0, true);
      return {GoStatus::done, v, true};
    }
  }
  if (!c.buf.empty()) {
    std::int64_t v = c.buf.front();
    c.buf.pop_front();
    return {GoStatus::done, v, true};
  }
  c.recvq.push_back({gp.id, -1, 0});
  gp.phase = 1;
  park(gp, pp, WaitReason::chan_receive);
  return {GoStatus::parked};
}

// runtime/chan.go closechan: "if c == nil { panic(plainError("close of nil channel")) }" ... "if
// c.closed != 0 { ... panic(plainError("close of closed channel")) }" "c.closed = 1" "// release
// all readers" ... "glist.push(gp)" "// release all writers (they will panic)" ... "glist.push(gp)"
// ... "// Ready all Gs now that we've dropped the channel lock. for !glist.empty() { gp :=
// glist.pop(); gp.schedlink = 0; goready(gp, 3) }" -- a gList is a stack: the last pushed is
// readied first, and each goready takes runnext.
GoOutcome Runtime::closechan(P& pp, ObjId id) {
  if (id == 0) {
    end(Ending::panic, "panic: close of nil channel");
    return {GoStatus::ended};
  }
  PAPAYA_ASSERT(id < chans_.size(), "close of no such channel");
  Chan& c = chans_[id];
  if (c.closed) {
    end(Ending::panic, "panic: close of closed channel");
    return {GoStatus::ended};
  }
  c.closed = true;
  std::vector<std::pair<Waiter, bool>> glist;  // (waiter, is a sender)
  while (auto w = dequeue(c.recvq)) glist.emplace_back(*w, false);
  while (auto w = dequeue(c.sendq)) glist.emplace_back(*w, true);
  for (auto& [w, sender] : glist) gr(w.g).closed_send = sender;
  for (auto it = glist.rbegin(); it != glist.rend(); ++it)
    if (gr(it->first.g).status == GStatus::waiting)  // a select on both ends wakes once
      wake_waiter(it->first, &pp, 0, false);
  return {GoStatus::done};
}

// runtime/select.go selectgo: "// generate permuted order" ... "// Omit cases without channels
// from the poll and lock orders. if cas.c == nil { ... continue }" "j := fastrandn(uint32(norder
// + 1)); pollorder[norder] = pollorder[j]; pollorder[j] = uint16(i)" -- a uniformly random
// permutation; each fastrandn is one choice (select_order). (The compiler puts send cases first;
// the permutation is uniform either way.)
void Runtime::select_poll_order(std::span<int> order) {
  for (std::size_t i = 0; i < order.size(); ++i) {
    auto j = ask(static_cast<std::uint32_t>(i + 1), GoChoice::select_order);
    order[i] = order[j];
    order[j] = static_cast<int>(i);
  }
}

// runtime/select.go selectgo: "// pass 1 - look for something already waiting" (in poll order: a
// receive case takes a waiting sender, a buffered value, or a closed channel's zero; a send case
// panics on a closed channel, hands to a waiting receiver, or fills the buffer) "if !block {
// selunlock(scases, lockorder); casi = -1; goto retc }" (the default case) "// pass 2 - enqueue on
// all chans" ... "gopark(selparkcommit, nil, waitReasonSelect, ...)". A select with no channel
// cases and no default blocks forever ("select (no cases)" when it has no cases at all).
GoOutcome Runtime::selectgo(G& gp, P& pp, const gop::Select& s) {
  if (gp.phase == 1) return resume_chan(gp);
  // The cases with a channel, and their poll order, in arrays (two vectors were two mallocs and
  // two frees at every select).
  constexpr std::size_t max_cases = 2;
  PAPAYA_ASSERT(s.cases.size() <= max_cases, "select: at most two cases are modelled");
  std::array<int, max_cases> live_cases{};
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.cases.size(); ++i)
    if (s.cases[i].ch != 0) live_cases[n++] = static_cast<int>(i);
  const std::span<const int> live(live_cases.data(), n);
  std::array<int, max_cases> order{};
  select_poll_order(std::span(order.data(), n));
  for (int k : std::span(order.data(), n)) {
    const int i = live[static_cast<std::size_t>(k)];
    const gop::SelectCase& sc = s.cases[static_cast<std::size_t>(i)];
    Chan& c = chans_.at(sc.ch);
    if (!sc.send) {
      if (auto w = c.closed ? std::nullopt : dequeue(c.sendq)) {
        std::int64_t v = w->value;
        if (c.cap > 0) {
          v = c.buf.front();
          c.buf.pop_front();
          c.buf.push_back(w->value);
        }
        wake_waiter(*w, &pp, 0, true);
        return {GoStatus::done, v, true, i};
      }
      if (!c.buf.empty()) {
        std::int64_t v = c.buf.front();
        c.buf.pop_front();
        return {GoStatus::done, v, true, i};
      }
      if (c.closed) return {GoStatus::done, 0, false, i};
    } else {
      if (c.closed) {
        end(Ending::panic, "panic: send on closed channel");
        return {GoStatus::ended};
      }
      if (auto w = dequeue(c.recvq)) {
        wake_waiter(*w, &pp, sc.v, true);
        return {GoStatus::done, 0, false, i};
      }
      if (c.buf.size() < c.cap) {
        c.buf.push_back(sc.v);
        return {GoStatus::done, 0, false, i};
      }
    }
  }
  if (s.has_default) return {GoStatus::done, 0, false, -1};
  for (int i : live) {
    const gop::SelectCase& sc = s.cases[static_cast<std::size_t>(i)];
    Chan& c = chans_.at(sc.ch);
    (sc.send ? c.sendq : c.recvq).push_back({gp.id, i, sc.v});
  }
  gp.phase = 1;
  gp.closed_send = false;
  park(gp, pp, WaitReason::select);
  return {GoStatus::parked};
}

}  // namespace papaya::model::go
