#include "chat/ct_compare.hpp"

#include <gtest/gtest.h>

#include <string>

namespace papaya::chat {
namespace {

const std::string key(128, 'a');

TEST(ConstantTimeEqual, EqualKeysAreEqual) {
  EXPECT_TRUE(constant_time_equal(key, std::string(key)));
}

TEST(ConstantTimeEqual, KeysDifferingInTheFirstByteDiffer) {
  std::string other = key;
  other.front() = 'b';
  EXPECT_FALSE(constant_time_equal(other, key));
}

TEST(ConstantTimeEqual, KeysDifferingInTheLastByteDiffer) {
  std::string other = key;
  other.back() = 'b';
  EXPECT_FALSE(constant_time_equal(other, key));
}

TEST(ConstantTimeEqual, KeysDifferingOnlyInTheHighBitDiffer) {
  std::string other = key;
  other[64] = static_cast<char>(other[64] ^ 0x80);
  EXPECT_FALSE(constant_time_equal(other, key));
}

TEST(ConstantTimeEqual, APrefixOfTheKeyIsNotTheKey) {
  EXPECT_FALSE(constant_time_equal(key.substr(0, 127), key));
  EXPECT_FALSE(constant_time_equal(key, key.substr(0, 127)));
}

TEST(ConstantTimeEqual, TheKeyWithAnExtraByteIsNotTheKey) {
  EXPECT_FALSE(constant_time_equal(key + "a", key));
}

TEST(ConstantTimeEqual, EmptyAgainstAKeyDiffersAndEmptyEqualsEmpty) {
  EXPECT_FALSE(constant_time_equal("", key));
  EXPECT_FALSE(constant_time_equal(key, ""));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(ConstantTimeEqual, EmbeddedNulBytesAreComparedNotTreatedAsTheEnd) {
  std::string a(128, '\0'), b(128, '\0');
  b[100] = 'x';
  EXPECT_FALSE(constant_time_equal(a, b));
}

}  // namespace
}  // namespace papaya::chat
