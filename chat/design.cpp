#include "chat/design.hpp"

#include <algorithm>
#include <iterator>

namespace papaya::chat {

namespace {

constexpr Design designs[] = {Design::process, Design::goroutine};

constexpr Variant process_variants[] = {
    Variant::correct,      Variant::shared_ofd,     Variant::shared_offset,
    Variant::lost_wakeup,  Variant::short_read,     Variant::torn_message,
    Variant::no_lock,      Variant::exclusive_read, Variant::no_crash_wakeup,
    Variant::half_cluster, Variant::no_heal,        Variant::paper};

// go-no-rlock is caught since a goroutine's file call runs on a kernel thread of its own when the
// first is busy (an unlocked pread lands between two pages of the writer's write) and the History
// sees the log's RWMutex by goroutine (docs/goroutines.md).
constexpr Variant goroutine_variants[] = {Variant::correct, Variant::go_no_rlock,
                                          Variant::go_cond_no_loop, Variant::go_recursive_rlock,
                                          Variant::go_blocking_fanout};

}  // namespace

std::span<const Design> all_designs() { return designs; }

std::string_view design_name(Design d) {
  switch (d) {
    case Design::process: return "process";
    case Design::goroutine: return "goroutine";
  }
  return "?";
}

std::optional<Design> parse_design(std::string_view name) {
  for (Design d : {Design::process, Design::goroutine})
    if (design_name(d) == name) return d;
  return std::nullopt;
}

std::span<const Variant> variants_of(Design d) {
  switch (d) {
    case Design::process: return process_variants;
    case Design::goroutine: return goroutine_variants;
  }
  return {};
}

bool design_has(Design d, Variant v) {
  std::span<const Variant> vs = variants_of(d);
  return std::find(vs.begin(), vs.end(), v) != vs.end();
}

std::string DesignVariant::name() const {
  return std::string(design_name(design)) + "/" + std::string(variant_name(variant));
}

std::string variant_names(Design d) {
  std::string out;
  for (Variant v : variants_of(d)) out += (out.empty() ? "" : ", ") + std::string(variant_name(v));
  return out;
}

std::string design_names() {
  std::string out;
  for (Design d : all_designs()) out += (out.empty() ? "" : ", ") + std::string(design_name(d));
  return out;
}

}  // namespace papaya::chat
