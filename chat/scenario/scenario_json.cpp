// A scenario for people (describe) and for trace headers (to_json / from_json). Pure.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "chat/scenario/scenario.hpp"
#include "os/printable.hpp"

namespace papaya::chat {

namespace {

using nlohmann::json;

// "0", "250us", "1ms", "1.5ms", "2s".
std::string show_duration(Duration d) {
  const std::int64_t ns = d.count();
  if (ns == 0) return "0";
  struct Unit {
    std::int64_t ns;
    const char* name;
  };
  for (Unit u :
       {Unit{1'000'000'000, "s"}, Unit{1'000'000, "ms"}, Unit{1'000, "us"}, Unit{1, "ns"}}) {
    if (ns >= u.ns || -ns >= u.ns || u.ns == 1) {
      if (ns % u.ns == 0) return fmt::format("{}{}", ns / u.ns, u.name);
      std::string v = fmt::format("{:.3f}", static_cast<double>(ns) / static_cast<double>(u.ns));
      while (v.ends_with('0')) v.pop_back();
      if (v.ends_with('.')) v.pop_back();
      return v + u.name;
    }
  }
  return fmt::format("{}ns", ns);
}

// "[24,5000]"; runs of three or more equal lengths as "24x5".
std::string show_lengths(const std::vector<size_t>& lengths) {
  std::string out = "[";
  for (size_t i = 0; i < lengths.size();) {
    size_t j = i;
    while (j < lengths.size() && lengths[j] == lengths[i]) ++j;
    if (i > 0) out += ',';
    if (j - i >= 3) {
      out += fmt::format("{}x{}", lengths[i], j - i);
    } else {
      for (size_t k = i; k < j; ++k) out += fmt::format("{}{}", k > i ? "," : "", lengths[k]);
    }
    i = j;
  }
  return out + "]";
}

}  // namespace

std::string describe(const Scenario& s) {
  const std::vector<ClientPlan> plans = effective_plans(s);
  std::string out = fmt::format("{} client{}", plans.size(), plans.size() == 1 ? "" : "s");
  for (size_t i = 0; i < plans.size(); ++i) {
    const ClientPlan& p = plans[i];
    out += fmt::format("{} c{}", i == 0 ? ":" : ";", i + 1);
    if (p.late) out += " late";
    if (p.join_delay != Duration::zero()) out += " +" + show_duration(p.join_delay);
    const size_t n = p.line_lengths.size();
    out += fmt::format(" {} line{}", n, n == 1 ? "" : "s");
    if (n > 0) out += " " + show_lengths(p.line_lengths);
    if (p.gap != Duration::zero()) out += " gap " + show_duration(p.gap);
    if (p.vanish_mid_line) out += " vanishes mid-line";
    if (p.stop_reading_for != Duration::zero())
      out += " stops reading " + show_duration(p.stop_reading_for);
  }
  // The settings that differ from a default Scenario's.
  const Scenario d;
  std::vector<std::string> extra;
  if (s.server.design != d.server.design)
    extra.push_back(fmt::format("design {}", design_name(s.server.design)));
  if (s.server.variant != d.server.variant)
    extra.push_back(fmt::format("variant {}", variant_name(s.server.variant)));
  if (s.server.max_line != d.server.max_line)
    extra.push_back(fmt::format("max_line {}", s.server.max_line));
  if (s.server.history != d.server.history)
    extra.push_back(fmt::format("history {}", s.server.history));
  if (s.server.max_clients != d.server.max_clients)
    extra.push_back(fmt::format("max_clients {}", s.server.max_clients));
  if (s.server.auth_timeout != d.server.auth_timeout)
    extra.push_back("auth_timeout " + show_duration(s.server.auth_timeout));
  if (s.settle != d.settle) extra.push_back("settle " + show_duration(s.settle));
  if (!s.plans.empty() && s.line_length != d.line_length)
    extra.push_back(fmt::format("join lines {}", s.line_length));
  if (s.server.key != d.server.key) extra.push_back("own key");
  if (s.idle_shutdown) extra.push_back("idle shutdown");
  if (s.barrier_per_client) extra.push_back("a barrier pipe per client");
  if (s.server.log_path != d.server.log_path) extra.push_back("log " + s.server.log_path);
  if (s.transcript_dir != d.transcript_dir)
    extra.push_back(s.transcript_dir.empty() ? "no transcripts"
                                             : "transcripts in " + s.transcript_dir);
  for (size_t i = 0; i < extra.size(); ++i) out += (i == 0 ? " (" : ", ") + extra[i];
  if (!extra.empty()) out += ")";
  return out;
}

json to_json(const Scenario& s) {
  json j;
  j["clients"] = s.clients;
  j["messages"] = s.messages;
  j["line_length"] = s.line_length;
  j["port"] = s.port;
  j["settle_ns"] = s.settle.count();
  j["history"] = s.server.history;
  j["max_line"] = s.server.max_line;
  j["auth_timeout_ns"] = s.server.auth_timeout.count();
  j["max_clients"] = s.server.max_clients;
  // The design only when it is not the process design, so that headers written before there was
  // a second design read back unchanged.
  if (s.server.design != Design::process) j["design"] = std::string(design_name(s.server.design));
  j["variant"] = std::string(variant_name(s.server.variant));
  j["log_path"] = s.server.log_path;
  if (s.server.key != scenario_key) j["key"] = s.server.key;
  j["transcript_dir"] = s.transcript_dir;
  // Only when set, so that every other header reads back unchanged.
  if (s.idle_shutdown) j["idle_shutdown"] = true;
  if (s.barrier_per_client) j["barrier_per_client"] = true;
  json plans = json::array();
  for (const ClientPlan& p : s.plans) {
    plans.push_back(json{{"line_lengths", p.line_lengths},
                         {"join_delay_ns", p.join_delay.count()},
                         {"gap_ns", p.gap.count()},
                         {"late", p.late},
                         {"vanish_mid_line", p.vanish_mid_line}});
    if (p.stop_reading_for != Duration::zero())
      plans.back()["stop_reading_ns"] = p.stop_reading_for.count();
  }
  j["plans"] = std::move(plans);
  return j;
}

namespace {

// Reads the fields of one JSON object; the first problem wins and names its field.
class FieldReader {
 public:
  FieldReader(const json& obj, std::string where, std::string& error)
      : obj_(obj), where_(std::move(where)), error_(error) {}

  // Fails on any field not in `known`.
  bool only(std::initializer_list<std::string_view> known) {
    for (auto it = obj_.begin(); it != obj_.end(); ++it) {
      if (std::find(known.begin(), known.end(), it.key()) == known.end())
        return fail(it.key(), "unknown field");
    }
    return true;
  }

  // An integer in [lo, hi], if present.
  template <class T>
  bool integer(std::string_view key, T& out, std::int64_t lo = 0,
               std::int64_t hi = std::numeric_limits<std::int64_t>::max()) {
    const json* v = find(key);
    if (!v) return true;
    std::optional<std::int64_t> n = as_int64(*v);
    if (!n || *n < lo || *n > hi) {
      return fail(key,
                  hi == std::numeric_limits<std::int64_t>::max()
                      ? fmt::format("expected an integer >= {}, got {}", lo, shown(*v))
                      : fmt::format("expected an integer in [{}, {}], got {}", lo, hi, shown(*v)));
    }
    out = static_cast<T>(*n);
    return true;
  }

  bool duration(std::string_view key, Duration& out) {
    std::int64_t ns = out.count();
    if (!integer(key, ns)) return false;
    out = Duration(ns);
    return true;
  }

  bool boolean(std::string_view key, bool& out) {
    const json* v = find(key);
    if (!v) return true;
    if (!v->is_boolean())
      return fail(key, fmt::format("expected true or false, got {}", shown(*v)));
    out = v->get<bool>();
    return true;
  }

  bool string(std::string_view key, std::string& out) {
    const json* v = find(key);
    if (!v) return true;
    if (!v->is_string()) return fail(key, fmt::format("expected a string, got {}", shown(*v)));
    out = v->get<std::string>();
    return true;
  }

  const json* find(std::string_view key) const {
    auto it = obj_.find(std::string(key));
    return it == obj_.end() ? nullptr : &*it;
  }

  bool fail(std::string_view key, const std::string& what) {
    error_ = printable(fmt::format("scenario field \"{}{}\": {}", where_, key, what));
    return false;
  }

  static std::string shown(const json& v) {
    std::string d = v.dump();
    if (d.size() > 40) d = d.substr(0, 37) + "...";
    return d;
  }

  static std::optional<std::int64_t> as_int64(const json& v) {
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return std::nullopt;
      return static_cast<std::int64_t>(u);
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    return std::nullopt;
  }

 private:
  const json& obj_;
  std::string where_;  // "" or "plans[2]."
  std::string& error_;
};

bool read_plan(const json& v, size_t index, ClientPlan& p, std::string& error) {
  const std::string where = fmt::format("plans[{}].", index);
  if (!v.is_object()) {
    error = printable(fmt::format("scenario field \"plans[{}]\": expected an object, got {}", index,
                                  FieldReader::shown(v)));
    return false;
  }
  FieldReader r(v, where, error);
  if (!r.only({"line_lengths", "join_delay_ns", "gap_ns", "late", "vanish_mid_line",
               "stop_reading_ns"}))
    return false;
  if (const json* lengths = r.find("line_lengths")) {
    if (!lengths->is_array())
      return r.fail("line_lengths",
                    "expected an array of integers, got " + FieldReader::shown(*lengths));
    for (size_t i = 0; i < lengths->size(); ++i) {
      std::optional<std::int64_t> n = FieldReader::as_int64((*lengths)[i]);
      if (!n || *n < 0) {
        return r.fail(fmt::format("line_lengths[{}]", i),
                      "expected an integer >= 0, got " + FieldReader::shown((*lengths)[i]));
      }
      p.line_lengths.push_back(static_cast<size_t>(*n));
    }
  }
  return r.duration("join_delay_ns", p.join_delay) && r.duration("gap_ns", p.gap) &&
         r.boolean("late", p.late) && r.boolean("vanish_mid_line", p.vanish_mid_line) &&
         r.duration("stop_reading_ns", p.stop_reading_for);
}

}  // namespace

ScenarioFromJson from_json(const json& j) {
  ScenarioFromJson out;
  if (!j.is_object()) {
    // shown() cuts long values, possibly inside a UTF-8 sequence (found by fuzz/scenario_json).
    out.error =
        printable(fmt::format("the scenario is not a JSON object: {}", FieldReader::shown(j)));
    return out;
  }
  Scenario s;
  FieldReader r(j, "", out.error);
  if (!r.only({"clients", "messages", "line_length", "port", "settle_ns", "history", "max_line",
               "auth_timeout_ns", "max_clients", "design", "variant", "log_path", "key",
               "transcript_dir", "plans", "idle_shutdown", "barrier_per_client"})) {
    return out;
  }
  constexpr std::int64_t int_max = std::numeric_limits<int>::max();
  if (!r.integer("clients", s.clients, 0, int_max) ||
      !r.integer("messages", s.messages, 0, int_max) || !r.integer("line_length", s.line_length) ||
      !r.integer("port", s.port, 0, 65535) || !r.duration("settle_ns", s.settle) ||
      !r.integer("history", s.server.history) || !r.integer("max_line", s.server.max_line, 1) ||
      !r.duration("auth_timeout_ns", s.server.auth_timeout) ||
      !r.integer("max_clients", s.server.max_clients, 0, int_max) ||
      !r.string("log_path", s.server.log_path) || !r.string("key", s.server.key) ||
      !r.string("transcript_dir", s.transcript_dir) ||
      !r.boolean("idle_shutdown", s.idle_shutdown) ||
      !r.boolean("barrier_per_client", s.barrier_per_client)) {
    return out;
  }
  std::string design(design_name(s.server.design));
  if (!r.string("design", design)) return out;
  std::optional<Design> d = parse_design(design);
  if (!d) {
    r.fail("design", fmt::format("unknown design \"{}\"", design));
    return out;
  }
  s.server.design = *d;
  std::string variant(variant_name(s.server.variant));
  if (!r.string("variant", variant)) return out;
  std::optional<Variant> v = parse_variant(variant);
  if (!v) {
    r.fail("variant", fmt::format("unknown variant \"{}\"", variant));
    return out;
  }
  s.server.variant = *v;
  if (!design_has(s.server.design, s.server.variant)) {
    r.fail("variant", fmt::format("variant \"{}\" is not one of design {}'s ({})", variant, design,
                                  variant_names(s.server.design)));
    return out;
  }
  if (s.server.key.size() != scenario_key.size()) {
    r.fail("key",
           fmt::format("expected {} bytes, got {}", scenario_key.size(), s.server.key.size()));
    return out;
  }
  if (const json* plans = r.find("plans")) {
    if (!plans->is_array()) {
      r.fail("plans", "expected an array of objects, got " + FieldReader::shown(*plans));
      return out;
    }
    for (size_t i = 0; i < plans->size(); ++i) {
      ClientPlan p;
      if (!read_plan((*plans)[i], i, p, out.error)) return out;
      s.plans.push_back(std::move(p));
    }
  }
  out.scenario = std::move(s);
  return out;
}

}  // namespace papaya::chat
