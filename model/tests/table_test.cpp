// Table (model/table.hpp): the kernel's object tables, a deque with an index of pointers.
#include "model/table.hpp"

#include <gtest/gtest.h>

#include <string>

namespace papaya::model {
namespace {

TEST(Table, ElementsKeepTheirAddressesWhileTheTableGrows) {
  Table<std::string> t;
  std::string& first = t.emplace_back();
  first = "first";
  for (int i = 1; i < 5000; ++i) t.emplace_back() = std::to_string(i);  // many deque blocks
  EXPECT_EQ(&t[0], &first);
  EXPECT_EQ(t[0], "first");
}

TEST(Table, IndexAndIterationSeeTheSameElementsInIdOrder) {
  Table<int> t;
  for (int i = 0; i < 1000; ++i) t.emplace_back() = i * 3;
  ASSERT_EQ(t.size(), 1000u);
  std::size_t id = 0;
  for (const int& x : t) {
    EXPECT_EQ(&x, &t[id]);
    EXPECT_EQ(x, static_cast<int>(id) * 3);
    ++id;
  }
  EXPECT_EQ(id, t.size());
}

}  // namespace
}  // namespace papaya::model
