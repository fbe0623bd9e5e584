#include "chat/goroutine/hub.hpp"

namespace papaya::chat {

Hub::Hub(Os& os, GoFlaws flaws, std::size_t capacity, int max_clients)
    : flaws_(flaws),
      mu_(os.new_mutex()),
      not_full_(os.new_cond(mu_)),
      not_empty_(os.new_cond(mu_)),
      quiet_(os.new_cond(mu_)),
      ring_(capacity),
      max_clients_(max_clients) {}

void Hub::enqueue(Os& os, int client, std::string line) {
  os.lock(mu_);
  if (flaws_.cond_no_loop) {
    if (count_ == ring_.size()) os.wait(not_full_);  // the flaw: `if`, not `for`
  } else {
    while (count_ == ring_.size()) os.wait(not_full_);
  }
  // With the flaw the ring may be full here: this overwrites the oldest line not yet taken.
  ring_[(head_ + count_) % ring_.size()] = Queued{client, std::move(line)};
  ++count_;
  os.signal(not_empty_);
  os.unlock(mu_);
}

std::vector<Queued> Hub::drain(Os& os) {
  os.lock(mu_);
  if (flaws_.cond_no_loop) {
    if (count_ == 0) os.wait(not_empty_);
  } else {
    while (count_ == 0) os.wait(not_empty_);
  }
  std::vector<Queued> lines;
  // A count past the ring's size (the flaw) takes the overwritten slot's new line twice.
  for (; count_ > 0; --count_) {
    lines.push_back(ring_[head_]);
    head_ = (head_ + 1) % ring_.size();
  }
  busy_ = true;
  os.broadcast(not_full_);
  os.unlock(mu_);
  return lines;
}

void Hub::notify_all(Os& os) {
  os.lock(mu_);
  for (const auto& [id, ch] : notifiers_) {
    if (flaws_.blocking_fanout) {
      os.chan_send(ch, 1);  // the flaw: waits until this client's sender takes it
      continue;
    }
    const GoCase post[] = {GoCase::send(ch, 1)};
    (void)os.select(post, /*with_default=*/true);  // full: a notification is already waiting
  }
  busy_ = false;
  if (count_ == 0 && live_ == 0) os.broadcast(quiet_);
  os.unlock(mu_);
}

void Hub::wait_quiet(Os& os) {
  os.lock(mu_);
  while (live_ > 0 || count_ > 0 || busy_) os.wait(quiet_);
  os.unlock(mu_);
}

bool Hub::admit(Os& os) {
  os.lock(mu_);
  const bool room = live_ < max_clients_;
  if (room) ++live_;
  os.unlock(mu_);
  return room;
}

void Hub::release(Os& os) {
  os.lock(mu_);
  --live_;
  if (live_ == 0 && count_ == 0 && !busy_) os.broadcast(quiet_);
  os.unlock(mu_);
}

GoChan Hub::register_client(Os& os, int id) {
  const GoChan ch = os.new_chan(flaws_.blocking_fanout ? 0 : 1);
  os.lock(mu_);
  notifiers_[id] = ch;
  os.unlock(mu_);
  return ch;
}

void Hub::unregister_client(Os& os, int id) {
  os.lock(mu_);
  if (auto it = notifiers_.find(id); it != notifiers_.end()) {
    // Under mu_: the writer sends only under mu_, so nothing is sent on it once closed.
    os.chan_close(it->second);
    notifiers_.erase(it);
  }
  os.unlock(mu_);
}

}  // namespace papaya::chat
