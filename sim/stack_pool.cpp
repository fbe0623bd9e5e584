#include "sim/stack_pool.hpp"

#include "model/limits.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

namespace papaya::sim {

StackPool::StackPool(std::size_t stack_size, std::size_t keep) : alloc_(stack_size), keep_(keep) {}

StackPool::~StackPool() {
  for (auto& s : free_) alloc_.deallocate(s);
}

boost::context::stack_context StackPool::allocate() {
  if (free_.empty()) return alloc_.allocate();
  boost::context::stack_context s = free_.back();
  free_.pop_back();
  return s;
}

void StackPool::deallocate(boost::context::stack_context& sctx) noexcept {
#if defined(__SANITIZE_ADDRESS__)
  // A fiber's frames may leave poisoned redzones behind; the next fiber starts on clean memory.
  ASAN_UNPOISON_MEMORY_REGION(static_cast<char*>(sctx.sp) - sctx.size, sctx.size);
#endif
  if (free_.size() >= keep_) {
    alloc_.deallocate(sctx);
    return;
  }
  try {
    free_.push_back(sctx);
  } catch (...) {
    alloc_.deallocate(sctx);
  }
}

StackPool& StackPool::local() {
  static thread_local StackPool pool(model::limits::fiber_stack);
  return pool;
}

}  // namespace papaya::sim
