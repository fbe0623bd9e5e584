// Inputs the trace_jsonl fuzzer (fuzz/fuzz_trace_jsonl.cpp) found, each kept as a regression
// test: the reader's error is one line of printable text that can itself be written into JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "traces/jsonl.hpp"

namespace papaya::traces {
namespace {

std::string error_of(const std::string& text) {
  std::istringstream in(text);
  try {
    (void)read_jsonl(in, "t");
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}

bool printable_ascii(const std::string& s) {
  for (const char ch : s)
    if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7f)
      return false;
  return true;
}

TEST(JsonlFuzzRegressions, InvalidUtf8InAHeaderLineGivesAPrintableOneLineError) {
  // fuzz/ found this: a byte 0xcf inside the header's "type" string. nlohmann's parse error quotes
  // the raw bytes, and the message could not be put into JSON (type_error 316).
  const std::string e = error_of(
      "{\"type\":\"head\xcf"
      "er\",\"format\":2}\n");
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e.rfind("t:1: ", 0), 0u) << e;
  EXPECT_TRUE(printable_ascii(e)) << e;
  EXPECT_NO_THROW((void)nlohmann::json(e).dump());
  EXPECT_NE(e.find("\\xcf"), std::string::npos) << e;
}

TEST(JsonlFuzzRegressions, ANewlineInsideAnUnknownOperationStaysOnOneLine) {
  const std::string header =
      "{\"type\":\"header\",\"papaya\":\"0.1.0\",\"format\":2,\"design\":\"\",\"variant\":\"\","
      "\"scenario\":{},\"seed\":1,\"strategy\":\"random\",\"max_steps\":9,\"faults\":false}\n";
  const std::string e = error_of(header +
                                 "{\"type\":\"step\",\"step\":0,\"t\":0,\"pid\":1,\"op\":\"a\\nb\","
                                 "\"status\":\"done\",\"site\":\"x\"}\n");
  ASSERT_NE(e.find("unknown operation"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  EXPECT_TRUE(printable_ascii(e)) << e;
}

const std::string good_header =
    "{\"type\":\"header\",\"papaya\":\"0.1.0\",\"format\":2,\"design\":\"\",\"variant\":\"\","
    "\"scenario\":{},\"seed\":1,\"strategy\":\"random\",\"max_steps\":9,\"faults\":false}";
const std::string verdict0 =
    "{\"type\":\"verdict\",\"verdict\":\"ok\",\"steps\":0,\"decisions\":0,"
    "\"virtual_time_ns\":0,\"detail\":\"\"}\n";

std::string with(std::string header, const std::string& from, const std::string& to) {
  header.replace(header.find(from), from.size(), to);
  return header + "\n" + verdict0;
}

TEST(JsonlFuzzRegressions, AFractionalOrHugeNumberWhereAWholeOneBelongsIsRefused) {
  ASSERT_EQ(error_of(good_header + "\n" + verdict0), "");
  // fuzz/ found this: 1.1e49 as a uint64 field was undefined behaviour (UBSan: "outside the
  // range of representable values"); 1.5 was silently cut to 1.
  EXPECT_NE(error_of(with(good_header, "\"seed\":1", "\"seed\":1.1e49"))
                .find("\"seed\" is not a whole number"),
            std::string::npos);
  EXPECT_NE(error_of(with(good_header, "\"max_steps\":9", "\"max_steps\":9.5")).find("max_steps"),
            std::string::npos);
  // A format of 2^32 + 2 wrapped to 2 (the version this papaya reads) and was accepted.
  EXPECT_NE(error_of(with(good_header, "\"format\":2", "\"format\":4294967298"))
                .find("\"format\" is out of range"),
            std::string::npos);
  EXPECT_NE(
      error_of(with(good_header, "\"seed\":1", "\"seed\":-1")).find("\"seed\" is out of range"),
      std::string::npos);
}

TEST(JsonlFuzzRegressions, ADecisionBeyond32BitsIsRefusedNotWrapped) {
  const std::string step =
      "{\"type\":\"step\",\"step\":0,\"t\":0,\"pid\":1,\"op\":\"getpid\",\"status\":\"done\","
      "\"site\":\"x\",\"dec\":[[\"schedule\",4294967298,1]]}\n";
  const std::string verdict1 =
      "{\"type\":\"verdict\",\"verdict\":\"ok\",\"steps\":1,\"decisions\":1,"
      "\"virtual_time_ns\":0,\"detail\":\"\"}\n";
  EXPECT_NE(error_of(good_header + "\n" + step + verdict1).find("a decision is not"),
            std::string::npos);
}

TEST(JsonlFuzzRegressions, ANumberTooLargeForJsonIsAMalformedLineNotACrash) {
  // fuzz/ found this: nlohmann throws out_of_range (406, "number overflow"), not parse_error, for
  // 8e8889; the reader caught only parse_error, so the exception escaped (papaya replay crashed).
  const std::string e = error_of("8e8889\n");
  ASSERT_FALSE(e.empty());
  EXPECT_NE(e.find("malformed JSON"), std::string::npos) << e;
  EXPECT_TRUE(printable_ascii(e)) << e;
}

}  // namespace
}  // namespace papaya::traces
