// no-deadlock: the run ends with every process done; and check_all, which runs them all.
#include "properties/checkers.hpp"

namespace papaya::properties {

Finding check_no_deadlock(const History& h) {
  Finding f{Property::no_deadlock};
  if (!h.quiescent) {
    f.holds = false;
    f.detail = h.end_detail.empty() ? "the run did not reach quiescence" : h.end_detail;
  }
  return f;
}

std::vector<Finding> check_all(const History& h) {
  return {check_no_interleaved_writes(h),
          check_no_read_during_write(h),
          check_unlimited_readers(h),
          check_delivery(h),
          check_no_deadlock(h),
          check_no_half_served(h),
          check_log_heals(h),
          check_slow_client(h)};
}

}  // namespace papaya::properties
