// Queue: the Go runtime model's FIFOs (run queues, semaphores' waiters, channels' buffers and wait
// queues, sync.Cond's notify list): a vector with the two deque operations they use besides the
// vector's own. An empty queue owns no memory, where every std::deque allocated its map and a
// block when made (a channel has three queues, a P one) and push_front allocated a block when
// its front one was full (a lifo semacquire into a fresh deque): about 50 instructions a step of a
// goroutine chat run went to those allocations and their frees (docs/performance.md, "Wave 12").
// The queues hold a few entries, so taking the front shifts the rest by one (a short memmove).
#pragma once

#include <vector>

namespace papaya::model::go {

template <class T>
class Queue : public std::vector<T> {
 public:
  using std::vector<T>::vector;
  void push_front(const T& v) { this->insert(this->begin(), v); }
  void pop_front() { this->erase(this->begin()); }
};

}  // namespace papaya::model::go
