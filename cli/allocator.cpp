#include "cli/allocator.hpp"

#include <malloc.h>

namespace papaya::cli {

void keep_freed_memory() {
  // mallopt(3): "M_MMAP_THRESHOLD ... allocations larger than this value are served by mmap";
  // "M_TRIM_THRESHOLD When the amount of contiguous free memory at the top of the heap grows
  // sufficiently large, free(3) employs sbrk(2) to release this memory back to the system."
  // Setting either disables glibc's dynamic threshold, so both are set.
  static bool done = false;
  if (done) return;
  done = true;
  (void)mallopt(M_MMAP_THRESHOLD, 32 << 20);
  (void)mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

}  // namespace papaya::cli
