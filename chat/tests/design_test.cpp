#include "chat/design.hpp"

#include <gtest/gtest.h>

#include <set>

namespace papaya::chat {
namespace {

TEST(Design, EveryNameParsesBackToItsDesign) {
  for (Design d : {Design::process, Design::goroutine}) {
    std::optional<Design> back = parse_design(design_name(d));
    ASSERT_TRUE(back.has_value()) << design_name(d);
    EXPECT_EQ(*back, d);
  }
  EXPECT_FALSE(parse_design("fiber").has_value());  // fiber is the goroutine design on Linux
  EXPECT_FALSE(parse_design("Process").has_value());
}

TEST(Design, EveryDesignListsCorrectFirstAndEveryVariantBelongsToSomeDesign) {
  std::set<Variant> seen;
  for (Design d : all_designs()) {
    ASSERT_FALSE(variants_of(d).empty()) << design_name(d);
    EXPECT_EQ(variants_of(d).front(), Variant::correct) << design_name(d);
    for (Variant v : variants_of(d)) {
      EXPECT_TRUE(design_has(d, v));
      seen.insert(v);
    }
  }
  for (Variant v : all_variants) {
    if (v != Variant::correct) {
      EXPECT_TRUE(seen.count(v)) << variant_name(v);
    }
  }
}

TEST(Design, ARowIsNamedDesignSlashVariant) {
  EXPECT_EQ((DesignVariant{Design::process, Variant::no_lock}.name()), "process/no-lock");
}

}  // namespace
}  // namespace papaya::chat
