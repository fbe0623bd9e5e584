#include "chat/key.hpp"

#include <gtest/gtest.h>

#include <string>

namespace papaya::chat {
namespace {

const std::string hex128 =
    "b4dad940683da74f6b8c5f43af0eee9532cde0243e232fb4e752d4343c50fabac9b764e020f1959d30af83fd64791b"
    "c"
    "99b305abd25129d88831b028cadda5cd5";

TEST(ValidateKey, A128HexDigitKeyWithoutNewlineIsAccepted) {
  KeyCheck k = validate_key(hex128);
  ASSERT_TRUE(k.ok()) << k.error;
  EXPECT_EQ(k.key, hex128);
}

TEST(ValidateKey, ATrailingNewlineIsNotPartOfTheKey) {
  KeyCheck k = validate_key(hex128 + "\n");
  ASSERT_TRUE(k.ok()) << k.error;
  EXPECT_EQ(k.key, hex128);
}

TEST(ValidateKey, ATrailingCarriageReturnNewlineIsNotPartOfTheKey) {
  KeyCheck k = validate_key(hex128 + "\r\n");
  ASSERT_TRUE(k.ok()) << k.error;
  EXPECT_EQ(k.key, hex128);
}

TEST(ValidateKey, LinesAfterTheFirstAreIgnored) {
  KeyCheck k = validate_key(hex128 + "\n# comment\nmore");
  ASSERT_TRUE(k.ok()) << k.error;
  EXPECT_EQ(k.key, hex128);
}

TEST(ValidateKey, UppercaseHexIsAcceptedAndKeptAsWritten) {
  std::string upper = hex128;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  KeyCheck k = validate_key(upper);
  ASSERT_TRUE(k.ok()) << k.error;
  EXPECT_EQ(k.key, upper);
}

TEST(ValidateKey, AnEmptyFileIsRefused) {
  KeyCheck k = validate_key("");
  EXPECT_FALSE(k.ok());
  EXPECT_EQ(k.error, "key file is empty");
}

TEST(ValidateKey, AnEmptyFirstLineIsRefused) {
  KeyCheck k = validate_key("\n" + hex128);
  EXPECT_FALSE(k.ok());
  EXPECT_NE(k.error.find("first line is empty"), std::string::npos) << k.error;
}

TEST(ValidateKey, AShortKeyIsRefusedWithItsLength) {
  KeyCheck k = validate_key(hex128.substr(0, 127) + "\n");
  EXPECT_FALSE(k.ok());
  EXPECT_NE(k.error.find("127 characters"), std::string::npos) << k.error;
  EXPECT_NE(k.error.find("exactly 128"), std::string::npos) << k.error;
}

TEST(ValidateKey, ALongKeyIsRefusedWithItsLength) {
  KeyCheck k = validate_key(hex128 + "0");
  EXPECT_FALSE(k.ok());
  EXPECT_NE(k.error.find("129 characters"), std::string::npos) << k.error;
}

TEST(ValidateKey, TrailingSpacesAreNotTrimmedButRefused) {
  KeyCheck k = validate_key(hex128 + " \n");
  EXPECT_FALSE(k.ok());
  EXPECT_NE(k.error.find("129 characters"), std::string::npos) << k.error;
}

TEST(ValidateKey, ANonHexCharacterIsRefusedWithItsPosition) {
  std::string bad = hex128;
  bad[9] = 'g';
  KeyCheck k = validate_key(bad);
  EXPECT_FALSE(k.ok());
  EXPECT_NE(k.error.find("position 10"), std::string::npos) << k.error;
  EXPECT_NE(k.error.find("0x67"), std::string::npos) << k.error;
}

TEST(ValidateKey, ANulByteInTheKeyIsRefused) {
  std::string bad = hex128;
  bad[0] = '\0';
  EXPECT_FALSE(validate_key(bad).ok());
}

TEST(ValidateKey, ARefusedKeyCarriesNoKey) { EXPECT_TRUE(validate_key("abc").key.empty()); }

}  // namespace
}  // namespace papaya::chat
