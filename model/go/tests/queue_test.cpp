// Queue (model/go/queue.hpp): the runtime's FIFOs keep std::deque's order (push_back at the back,
// push_front and pop_front at the front) and, unlike a deque, own no memory while empty.
#include "model/go/queue.hpp"

#include <gtest/gtest.h>

#include <utility>

namespace papaya::model::go::testing {
namespace {

TEST(GoQueue, TakesFromTheFrontInTheOrderPushed) {
  Queue<int> q;
  q.push_back(1);
  q.push_back(2);
  q.push_front(0);  // a lifo semacquire: goes first
  EXPECT_EQ(q, (Queue<int>{0, 1, 2}));
  EXPECT_EQ(q.front(), 0);
  q.pop_front();
  EXPECT_EQ(q.front(), 1);
  q.pop_front();
  q.push_back(3);
  EXPECT_EQ(q, (Queue<int>{2, 3}));
}

TEST(GoQueue, AnEmptyQueueOwnsNoMemory) {
  Queue<int> q;  // a channel's three queues, a P's run queue: made empty, most stay so
  EXPECT_EQ(q.capacity(), 0u);
  const Queue<int> moved = std::move(q);
  EXPECT_EQ(moved.capacity(), 0u);
}

}  // namespace
}  // namespace papaya::model::go::testing
