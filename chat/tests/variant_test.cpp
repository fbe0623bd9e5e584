#include "chat/variant.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "chat/design.hpp"
#include "chat/goroutine/go_flaws.hpp"

namespace papaya::chat {
namespace {

TEST(Variant, EveryNameParsesBackToItsVariant) {
  for (Variant v : all_variants) {
    std::optional<Variant> back = parse_variant(variant_name(v));
    ASSERT_TRUE(back.has_value()) << variant_name(v);
    EXPECT_EQ(*back, v);
  }
}

TEST(Variant, NamesAreTheContractNames) {
  std::set<std::string> names;
  for (Variant v : all_variants) names.insert(std::string(variant_name(v)));
  EXPECT_EQ(names, (std::set<std::string>{"correct", "shared-ofd", "shared-offset", "lost-wakeup",
                                          "short-read", "torn-message", "no-lock", "exclusive-read",
                                          "no-crash-wakeup", "half-cluster", "no-heal", "paper",
                                          "go-no-rlock", "go-cond-no-loop", "go-recursive-rlock",
                                          "go-blocking-fanout"}));
}

TEST(Variant, UnknownOrMisspelledNamesDoNotParse) {
  EXPECT_FALSE(parse_variant("").has_value());
  EXPECT_FALSE(parse_variant("shared_ofd").has_value());
  EXPECT_FALSE(parse_variant("Correct").has_value());
  EXPECT_FALSE(parse_variant("process").has_value());
}

TEST(Variant, CorrectHasNoFlawsAndEachBugVariantExactlyOne) {
  auto count = [](Flaws f) {
    return int(f.shared_ofd) + int(f.shared_offset) + int(f.lost_wakeup) + int(f.short_read) +
           int(f.torn_message) + int(f.no_lock) + int(f.exclusive_read) + int(f.nul_last_byte) +
           int(f.paper_auth) + int(f.paper_history) + int(f.no_crash_wakeup) + int(f.half_cluster) +
           int(f.no_heal);
  };
  EXPECT_EQ(count(flaws_of(Variant::correct)), 0);
  for (Variant v : variants_of(Design::process)) {
    if (v == Variant::correct || v == Variant::paper) continue;
    EXPECT_EQ(count(flaws_of(v)), 1) << variant_name(v);
  }
}

TEST(Variant, PaperCombinesTheOriginalsFlawsButStillLocks) {
  Flaws f = flaws_of(Variant::paper);
  EXPECT_TRUE(f.shared_ofd && f.shared_offset && f.lost_wakeup && f.short_read && f.torn_message &&
              f.nul_last_byte && f.paper_auth && f.paper_history && f.no_crash_wakeup &&
              f.half_cluster && f.no_heal);
  EXPECT_FALSE(f.no_lock);
  EXPECT_FALSE(f.exclusive_read);
}

TEST(Variant, ExclusiveReadRoundTripsAndOnlyChangesTheReadLock) {
  EXPECT_EQ(variant_name(Variant::exclusive_read), "exclusive-read");
  EXPECT_EQ(parse_variant("exclusive-read"), Variant::exclusive_read);
  EXPECT_FALSE(parse_variant("exclusive_read").has_value());
  EXPECT_TRUE(flaws_of(Variant::exclusive_read).exclusive_read);
}

TEST(Variant, NoCrashWakeupRoundTripsAndOnlyDropsTheDaemonsWakeup) {
  EXPECT_EQ(variant_name(Variant::no_crash_wakeup), "no-crash-wakeup");
  EXPECT_EQ(parse_variant("no-crash-wakeup"), Variant::no_crash_wakeup);
  EXPECT_TRUE(flaws_of(Variant::no_crash_wakeup).no_crash_wakeup);
  EXPECT_FALSE(flaws_of(Variant::correct).no_crash_wakeup);
}

TEST(Variant, EachGoroutineVariantHasExactlyOneGoFlawAndNoProcessFlaw) {
  auto count = [](GoFlaws f) {
    return int(f.no_rlock) + int(f.cond_no_loop) + int(f.recursive_rlock) + int(f.blocking_fanout);
  };
  EXPECT_EQ(count(go_flaws_of(Variant::correct)), 0);
  for (Variant v : variants_of(Design::goroutine)) {
    if (v == Variant::correct) continue;
    EXPECT_EQ(count(go_flaws_of(v)), 1) << variant_name(v);
    EXPECT_EQ(flaws_of(v), Flaws{}) << variant_name(v);
  }
}

}  // namespace
}  // namespace papaya::chat
