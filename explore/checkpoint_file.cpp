#include "explore/checkpoint_file.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

namespace papaya::explore {

namespace {

using nlohmann::json;
constexpr const char* format_name = "papaya explore checkpoint";
constexpr int format_version = 1;

// An access in one number: object, write, signal set, id.
std::uint64_t pack_access(const sim::Access& a) {
  return (static_cast<std::uint64_t>(a.obj) << 56) | (static_cast<std::uint64_t>(a.write) << 48) |
         (static_cast<std::uint64_t>(a.sigs) << 32) | a.id;
}
sim::Access unpack_access(std::uint64_t v) {
  const auto obj = static_cast<std::uint8_t>(v >> 56);
  if (obj > static_cast<std::uint8_t>(sim::Obj::go_p))
    throw std::runtime_error("an unknown object");
  return sim::Access(static_cast<sim::Obj>(obj), ((v >> 48) & 1) != 0,
                     static_cast<std::uint32_t>(v & 0xffffffffu),
                     static_cast<std::uint16_t>((v >> 32) & 0xffffu));
}

json wakeups_json(const std::vector<sim::DporSnapshot::Wakeup>& tree) {
  json out = json::array();
  for (const auto& w : tree) out.push_back({w.pid, w.effect, w.unknown, wakeups_json(w.kids)});
  return out;
}
json slept_json(const std::vector<sim::DporSnapshot::Slept>& v) {
  json out = json::array();
  for (const auto& s : v) out.push_back({s.pid, s.effect});
  return out;
}

json dfs_json(const Checkpoint& k) {
  json stack = json::array();
  for (const auto& n : k.dfs.stack) stack.push_back({n.n, n.limit, n.chosen});
  return {{"bound", k.dfs.bound},
          {"bounded", k.dfs.bounded},
          {"stack", stack},
          {"per_bound", k.per_bound},
          {"preemption_bounded", k.preemption_bounded}};
}

json optimal_json(const Checkpoint& k) {
  const sim::DporSnapshot& s = k.optimal;
  json effects = json::array();
  for (const sim::Effect& e : s.effects) {
    json acc = json::array();
    for (const sim::Access& a : e.access) acc.push_back(pack_access(a));
    effects.push_back({e.pid, e.global, acc});
  }
  json nodes = json::array();
  for (const auto& n : s.nodes)
    nodes.push_back({{"schedule", n.schedule},
                     {"first_event", n.first_event},
                     {"first_answer", n.first_answer},
                     {"ready", n.ready},
                     {"disabled", n.disabled},
                     {"done", slept_json(n.done)},
                     {"sleep", slept_json(n.sleep)},
                     {"chosen", n.chosen},
                     {"chosen_effect", n.chosen_effect},
                     {"n", n.n},
                     {"choice", n.choice},
                     {"wut", wakeups_json(n.wut)},
                     {"chosen_kids", wakeups_json(n.chosen_kids)},
                     {"backtrack", n.backtrack},
                     {"fresh", n.fresh}});
  return {{"data_options", s.data_options},
          {"effects", effects},
          {"nodes", nodes},
          {"answers", s.answers},
          {"replay", s.replay},
          {"branch", s.branch},
          {"races", s.races},
          {"divergences", s.divergences},
          {"asleep", s.asleep},
          {"insertions", s.insertions}};
}

// The counts, and the search's state: "strategy" holds a DPOR's path (optimal's, the format's
// first kind, or source-DPOR's with "search": "dpor"), "dfs" dfs's (with "search": "dfs").
json checkpoint_json(const Checkpoint& k) {
  // The trace names as little-endian bytes: one binary string, not millions of numbers.
  std::vector<std::uint8_t> names;
  names.reserve(8 * k.trace_names.size());
  for (std::uint64_t h : k.trace_names)
    for (int b = 0; b < 8; ++b) names.push_back(static_cast<std::uint8_t>(h >> (8 * b)));
  json j = {{"executions", k.executions},
            {"abandoned", k.abandoned},
            {"steps", k.steps},
            {"max_run_steps", k.max_run_steps},
            {"max_processes", k.max_processes},
            {"step_bound_hit", k.step_bound_hit},
            {"names_kept", k.names_kept},
            {"trace_names", json::binary(std::move(names))}};
  if (k.strategy == StrategyName::dfs) {
    j["search"] = "dfs";
    j["dfs"] = dfs_json(k);
  } else {
    if (k.strategy == StrategyName::dpor) j["search"] = "dpor";
    j["strategy"] = optimal_json(k);
  }
  return j;
}

// Throws (json's own exceptions, or runtime_error) on anything out of shape.
std::uint32_t effect_index(const json& j, std::size_t effects) {
  const auto i = j.get<std::uint32_t>();
  if (i != sim::DporSnapshot::no_effect && i >= effects)
    throw std::runtime_error("an effect index out of range");
  return i;
}
std::vector<sim::DporSnapshot::Wakeup> wakeups_of(const json& j, std::size_t effects) {
  if (!j.is_array()) throw std::runtime_error("a wakeup tree that is not a list");
  std::vector<sim::DporSnapshot::Wakeup> out;
  for (const json& w : j)
    out.push_back({w.at(0).get<Pid>(), effect_index(w.at(1), effects), w.at(2).get<bool>(),
                   wakeups_of(w.at(3), effects)});
  return out;
}
std::vector<sim::DporSnapshot::Slept> slept_of(const json& j, std::size_t effects) {
  if (!j.is_array()) throw std::runtime_error("a sleep set that is not a list");
  std::vector<sim::DporSnapshot::Slept> out;
  for (const json& s : j) out.push_back({s.at(0).get<Pid>(), effect_index(s.at(1), effects)});
  return out;
}

void dfs_of_json(const json& d, Checkpoint& k) {
  k.strategy = StrategyName::dfs;
  k.dfs.bound = d.at("bound").get<int>();
  k.dfs.bounded = d.at("bounded").get<bool>();
  for (const json& n : d.at("stack")) {
    sim::DfsSnapshot::Node x{n.at(0).get<std::uint32_t>(), n.at(1).get<std::uint32_t>(),
                             n.at(2).get<std::uint32_t>()};
    if (x.chosen >= x.limit || x.limit > x.n) throw std::runtime_error("a decision out of shape");
    k.dfs.stack.push_back(x);
  }
  k.per_bound = d.at("per_bound").get<std::vector<std::uint64_t>>();
  k.preemption_bounded = d.at("preemption_bounded").get<bool>();
  if (k.dfs.bound >= 0 && k.per_bound.size() != static_cast<std::size_t>(k.dfs.bound) + 1)
    throw std::runtime_error("passes that do not match the bound");
}

void optimal_of_json(const json& st, Checkpoint& k) {
  sim::DporSnapshot& s = k.optimal;
  s.data_options = st.at("data_options").get<std::uint32_t>();
  for (const json& e : st.at("effects")) {
    sim::Effect& x = s.effects.emplace_back();
    x.pid = e.at(0).get<Pid>();
    x.global = e.at(1).get<bool>();
    for (const json& a : e.at(2)) x.access.push_back(unpack_access(a.get<std::uint64_t>()));
  }
  const std::size_t ne = s.effects.size();
  for (const json& n : st.at("nodes")) {
    auto& o = s.nodes.emplace_back();
    o.schedule = n.at("schedule").get<bool>();
    o.first_event = n.at("first_event").get<std::uint32_t>();
    o.first_answer = n.at("first_answer").get<std::uint64_t>();
    o.ready = n.at("ready").get<std::vector<Pid>>();
    o.disabled = n.at("disabled").get<std::vector<Pid>>();
    o.done = slept_of(n.at("done"), ne);
    o.sleep = slept_of(n.at("sleep"), ne);
    o.chosen = n.at("chosen").get<Pid>();
    o.chosen_effect = effect_index(n.at("chosen_effect"), ne);
    o.n = n.at("n").get<std::uint32_t>();
    o.choice = n.at("choice").get<std::uint32_t>();
    o.wut = wakeups_of(n.at("wut"), ne);
    o.chosen_kids = wakeups_of(n.at("chosen_kids"), ne);
    o.backtrack = n.value("backtrack", std::vector<Pid>{});
    o.fresh = n.value("fresh", true);
  }
  s.answers = st.at("answers").get<std::vector<std::uint32_t>>();
  s.replay = st.at("replay").get<std::uint64_t>();
  s.branch = st.at("branch").get<bool>();
  if (s.replay > s.answers.size()) throw std::runtime_error("a replay longer than its answers");
  s.races = st.at("races").get<std::uint64_t>();
  s.divergences = st.at("divergences").get<std::uint64_t>();
  s.asleep = st.at("asleep").get<std::uint64_t>();
  s.insertions = st.at("insertions").get<std::uint64_t>();
}

Checkpoint checkpoint_of_json(const json& j) {
  Checkpoint k;
  const std::string search = j.value("search", std::string("optimal"));
  if (search == "dfs") {
    dfs_of_json(j.at("dfs"), k);
  } else if (search == "dpor" || search == "optimal") {
    optimal_of_json(j.at("strategy"), k);
    k.strategy = search == "dpor" ? StrategyName::dpor : StrategyName::optimal;
  } else {
    throw std::runtime_error("a search of an unknown kind");
  }
  k.executions = j.at("executions").get<std::uint64_t>();
  k.abandoned = j.at("abandoned").get<std::uint64_t>();
  k.steps = j.at("steps").get<std::uint64_t>();
  k.max_run_steps = j.at("max_run_steps").get<std::uint64_t>();
  k.max_processes = j.at("max_processes").get<int>();
  k.step_bound_hit = j.at("step_bound_hit").get<bool>();
  k.names_kept = j.value("names_kept", true);  // (files of wave 16 always kept them)
  const auto& names = j.at("trace_names").get_binary();
  if (names.size() % 8 != 0) throw std::runtime_error("trace names of a broken length");
  if (!k.names_kept && !names.empty()) throw std::runtime_error("names where none were kept");
  if (k.names_kept && names.size() / 8 > k.executions)
    throw std::runtime_error("more trace names than executions");
  for (std::size_t i = 0; i < names.size(); i += 8) {
    std::uint64_t h = 0;
    for (int b = 0; b < 8; ++b) h |= static_cast<std::uint64_t>(names[i + b]) << (8 * b);
    k.trace_names.push_back(h);
  }
  return k;
}

}  // namespace

bool write_checkpoint(const std::string& path, const std::string& target, const Checkpoint& k,
                      std::string& error) {
  const json doc = {{"format", format_name},
                    {"version", format_version},
                    {"target", target},
                    {"checkpoint", checkpoint_json(k)}};
  const std::vector<std::uint8_t> bytes = json::to_cbor(doc);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      error = "cannot write the checkpoint " + tmp;
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    error = "cannot rename " + tmp + " to " + path + ": " + ec.message();
    return false;
  }
  return true;
}

std::optional<Checkpoint> read_checkpoint(const std::string& path, const std::string& target,
                                          std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read the checkpoint " + path;
    return std::nullopt;
  }
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  try {
    const json doc = json::from_cbor(bytes);
    if (!doc.is_object() || doc.value("format", std::string()) != format_name) {
      error = path + " is not a papaya explore checkpoint";
      return std::nullopt;
    }
    if (doc.at("version").get<int>() != format_version) {
      error = path + ": checkpoint format version " + doc.at("version").dump() + ", expected " +
              std::to_string(format_version);
      return std::nullopt;
    }
    const std::string saved = doc.at("target").get<std::string>();
    if (saved != target) {
      error = path + " is the checkpoint of another search:\n  saved: " + saved +
              "\n  asked: " + target;
      return std::nullopt;
    }
    return checkpoint_of_json(doc.at("checkpoint"));
  } catch (const std::exception& e) {
    error = path + " is a damaged papaya explore checkpoint (" + e.what() + ")";
    return std::nullopt;
  }
}

}  // namespace papaya::explore
