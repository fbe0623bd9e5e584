// libFuzzer target: from_json (chat/scenario.hpp), the scenario reader behind trace headers and
// `papaya run --scenario`. Any JSON value either gives a Scenario, which to_json writes back to a
// value that reads as the same Scenario (a fixed point), or is refused with a one-line error that
// can itself be written into JSON (valid UTF-8).
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "chat/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  papaya::chat::ScenarioFromJson s = papaya::chat::from_json(j);
  if (s.ok()) {
    if (!s.error.empty()) std::abort();
    const nlohmann::json once = papaya::chat::to_json(*s);
    papaya::chat::ScenarioFromJson again = papaya::chat::from_json(once);
    if (!again.ok() || papaya::chat::to_json(*again) != once) std::abort();
  } else {
    if (s.error.empty() || s.error.find('\n') != std::string::npos) std::abort();
    (void)nlohmann::json(s.error).dump();  // throws (and the fuzzer reports it) on invalid UTF-8
  }
  return 0;
}
