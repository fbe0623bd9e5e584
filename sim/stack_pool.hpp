// Fiber stacks, pooled: a run creates a process per fork, and allocating (mmap + guard page) a
// stack for each would dominate short runs. Stacks come from protected_fixedsize_stack (a guard
// page below each: an overflow faults instead of corrupting) and go back to a per-thread pool
// when their fiber ends; the pool keeps at most `keep` of them.
#pragma once

#include <boost/context/protected_fixedsize_stack.hpp>
#include <boost/context/stack_context.hpp>
#include <cstddef>
#include <vector>

namespace papaya::sim {

class StackPool {
 public:
  explicit StackPool(std::size_t stack_size, std::size_t keep = 256);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& sctx) noexcept;

  // The calling thread's pool of limits::fiber_stack-sized stacks.
  static StackPool& local();

 private:
  boost::context::protected_fixedsize_stack alloc_;
  std::vector<boost::context::stack_context> free_;
  std::size_t keep_;
};

// The StackAllocator handed to boost::context::fiber: a handle on a pool.
class PooledStack {
 public:
  explicit PooledStack(StackPool& pool) : pool_(&pool) {}
  boost::context::stack_context allocate() { return pool_->allocate(); }
  void deallocate(boost::context::stack_context& sctx) noexcept { pool_->deallocate(sctx); }

 private:
  StackPool* pool_;
};

}  // namespace papaya::sim
