#include "properties/lines.hpp"

#include <gtest/gtest.h>

#include "properties/verdict.hpp"

namespace papaya::properties {
namespace {

TEST(Lines, SplitKeepsNewlinesAndAFinalPartialLine) {
  auto lines = split_lines("a\nbb\nc");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "a\n");
  EXPECT_EQ(lines[1], "bb\n");
  EXPECT_EQ(lines[2], "c");
}

TEST(Lines, BoundariesIncludeStartAndEndOfEveryWholeLine) {
  EXPECT_EQ(line_boundaries("a\nbb\n"), (std::vector<std::size_t>{0, 2, 5}));
  EXPECT_EQ(line_boundaries(""), (std::vector<std::size_t>{0}));
  EXPECT_EQ(line_boundaries("ab"), (std::vector<std::size_t>{0}));
}

TEST(Lines, LastLinesTakesTheWindowOfWholeLines) {
  EXPECT_EQ(last_lines("1\n2\n3\n", 2), "2\n3\n");
  EXPECT_EQ(last_lines("1\n2\n3\n", 7), "1\n2\n3\n");
  EXPECT_EQ(last_lines("1\n2\n3\n", 0), "");
  EXPECT_EQ(last_lines("", 7), "");
  EXPECT_EQ(last_lines("1\n2\npartial", 1), "2\n");
}

TEST(Lines, ExcerptEscapesNulAndNewlineAndIsBounded) {
  EXPECT_EQ(excerpt(std::string("a\0b\n", 4)), "a\\0b\\n");
  EXPECT_EQ(excerpt(std::string(50, 'x'), 4), "xxxx...");
}

TEST(PropertyNames, RoundTripEveryContractName) {
  for (Property p : all_properties) EXPECT_EQ(parse_property(property_name(p)), p);
  EXPECT_EQ(property_name(Property::no_read_during_write), "no-read-during-write");
  EXPECT_FALSE(parse_property("no-such-property").has_value());
}

}  // namespace
}  // namespace papaya::properties
