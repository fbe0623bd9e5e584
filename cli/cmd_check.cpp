// papaya check: the main job. Runs the built-in scenario suite for every design and variant,
// checks every property on every run, prints a table (rows design/variant, columns properties,
// cells PASS or FAIL + the minimised counterexample's path) and saves the counterexamples.
// Exit: with no --variant, 0 when the correct design passes and every variant is caught; with one
// variant, 0 when every property holds, 1 when some failed; 2 on bad usage.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "properties/check_suite.hpp"
#include "traces/jsonl.hpp"

namespace papaya::cli {

namespace {

namespace fs = std::filesystem;
using properties::Cell;
using properties::Row;

struct CheckArgs {
  std::string design = "process";
  std::vector<std::string> variants;
  properties::CheckOptions opts;
  std::string trace_dir = "papaya-check";
  bool json = false;
};

std::string trace_file(const CheckArgs& a, const Row& r, const Cell& c) {
  return (fs::path(a.trace_dir) / fmt::format("{}-{}.jsonl", chat::variant_name(r.variant),
                                              properties::property_name(c.property)))
      .string();
}

// Saves each counterexample; returns the paths, by cell.
std::vector<std::string> save_counterexamples(const CheckArgs& a, const Row& r) {
  std::vector<std::string> paths;
  for (const Cell& c : r.cells) {
    paths.emplace_back();
    if (!c.counterexample) continue;
    std::error_code ec;
    fs::create_directories(a.trace_dir, ec);
    std::string path = trace_file(a, r, c);
    std::ofstream out(path);
    traces::write_jsonl(*c.counterexample, out);
    if (out)
      paths.back() = path;
    else
      std::fprintf(stderr, "papaya check: cannot write %s\n", path.c_str());
  }
  return paths;
}

std::string row_result(const Row& r) {
  if (r.should_pass()) return r.any_failed() ? "FAILED (the correct design must pass)" : "ok";
  return r.any_failed() ? "caught" : "NOT CAUGHT";
}

void print_table(const std::vector<Row>& rows, const std::vector<std::vector<std::string>>& paths,
                 const std::string& design) {
  std::vector<std::string> head{"design/variant"};
  for (auto p : properties::all_properties) head.emplace_back(properties::property_name(p));
  head.emplace_back("result");
  std::vector<std::vector<std::string>> cells{head};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::vector<std::string> line{
        fmt::format("{}/{}", design, chat::variant_name(rows[i].variant))};
    for (std::size_t c = 0; c < rows[i].cells.size(); ++c)
      line.push_back(rows[i].cells[c].holds ? "PASS" : "FAIL " + paths[i][c]);
    line.push_back(row_result(rows[i]));
    cells.push_back(std::move(line));
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (const auto& line : cells)
    for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  for (const auto& line : cells) {
    std::string out;
    for (std::size_t c = 0; c < line.size(); ++c) out += fmt::format("{:<{}}  ", line[c], width[c]);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    std::printf("%s\n", out.c_str());
  }
}

void print_details(const std::vector<Row>& rows) {
  for (const Row& r : rows)
    for (const Cell& c : r.cells)
      if (!c.holds)
        std::printf(
            "  %s %s: %d of %d runs; first: scenario %s, seed %llu, %llu steps; minimised to %llu "
            "steps (%llu off the default schedule) of [%s]:\n    %s\n",
            std::string(chat::variant_name(r.variant)).c_str(),
            std::string(properties::property_name(c.property)).c_str(), c.failing_runs, r.runs,
            c.scenario.c_str(), static_cast<unsigned long long>(c.seed),
            static_cast<unsigned long long>(c.steps),
            static_cast<unsigned long long>(c.minimised_steps),
            static_cast<unsigned long long>(c.minimised_preemptions), c.minimised_scenario.c_str(),
            c.detail.c_str());
}

nlohmann::json row_json(const Row& r, const std::vector<std::string>& paths,
                        const std::string& design) {
  nlohmann::json j{{"design", design},
                   {"variant", chat::variant_name(r.variant)},
                   {"runs", r.runs},
                   {"steps", r.steps},
                   {"max_simultaneous_readers", r.max_readers},
                   {"expected", r.should_pass() ? "pass" : "caught"},
                   {"as_expected", r.as_expected()}};
  for (std::size_t c = 0; c < r.cells.size(); ++c) {
    const Cell& cell = r.cells[c];
    nlohmann::json p{{"holds", cell.holds}};
    if (!cell.holds)
      p.update({{"failing_runs", cell.failing_runs},
                {"scenario", cell.scenario},
                {"seed", cell.seed},
                {"steps", cell.steps},
                {"minimised_steps", cell.minimised_steps},
                {"minimised_preemptions", cell.minimised_preemptions},
                {"minimised_scenario", cell.minimised_scenario},
                {"trace", paths[c]},
                {"detail", cell.detail}});
    j["properties"][std::string(properties::property_name(cell.property))] = p;
  }
  return j;
}

int run_check(const CheckArgs& a) {
  if (a.design != "process") {
    std::fprintf(stderr, "papaya check: design '%s' is not simulated yet (use --design process)\n",
                 a.design.c_str());
    return exit_usage;
  }
  std::vector<chat::Variant> variants;
  for (const std::string& name : a.variants) {
    std::optional<chat::Variant> v = chat::parse_variant(name);
    if (!v) {
      std::fprintf(stderr, "papaya check: unknown variant '%s'\n", name.c_str());
      return exit_usage;
    }
    variants.push_back(*v);
  }
  if (variants.empty())
    variants.assign(std::begin(chat::all_variants), std::end(chat::all_variants));
  const bool tty = isatty(STDERR_FILENO) == 1 && !a.json;
  auto started = std::chrono::steady_clock::now();
  std::vector<Row> rows;
  std::vector<std::vector<std::string>> paths;
  for (chat::Variant v : variants) {
    rows.push_back(properties::check_variant(v, a.opts, [&](const Row& r, int done, int total) {
      if (tty)
        std::fprintf(stderr, "\r  %-14s %4d/%d runs",
                     std::string(chat::variant_name(r.variant)).c_str(), done, total);
    }));
    if (tty) std::fprintf(stderr, "\r%40s\r", "");
    paths.push_back(save_counterexamples(a, rows.back()));
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  int runs = 0;
  int readers = 0;
  bool ok = true;
  for (const Row& r : rows) {
    runs += r.runs;
    readers = std::max(readers, r.max_readers);
    ok = ok && (a.variants.size() == 1 ? !r.any_failed() : r.as_expected());
  }
  if (a.json) {
    nlohmann::json j{{"design", a.design},
                     {"runs", runs},
                     {"seconds", seconds},
                     {"ok", ok},
                     {"max_simultaneous_readers", readers},
                     {"rows", nlohmann::json::array()}};
    for (std::size_t i = 0; i < rows.size(); ++i)
      j["rows"].push_back(row_json(rows[i], paths[i], a.design));
    std::printf("%s\n", j.dump(2).c_str());
    return ok ? exit_ok : exit_failure;
  }
  std::printf(
      "papaya check: design %s, %d runs in %.1f s (%.0f runs/s), seeds %llu..%llu per scenario\n",
      a.design.c_str(), runs, seconds, runs / std::max(seconds, 1e-9),
      static_cast<unsigned long long>(a.opts.seed),
      static_cast<unsigned long long>(a.opts.seed + static_cast<std::uint64_t>(a.opts.runs) - 1));
  print_table(rows, paths, a.design);
  print_details(rows);
  std::printf("most readers holding the log at once: %d\n", readers);
  std::printf("%s\n", ok ? "papaya check: ok" : "papaya check: FAILED");
  return ok ? exit_ok : exit_failure;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Run the built-in scenario suite for every design and variant and check every property");
  cmd->add_option("--design", a->design, "process (goroutine: not simulated yet)")
      ->capture_default_str();
  cmd->add_option("--variant", a->variants, "only these variants (repeatable); default: all");
  cmd->add_option("--runs", a->opts.runs, "seeds per built-in scenario")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", a->opts.seed, "the first seed")->capture_default_str();
  cmd->add_option("--max-steps", a->opts.max_steps, "step bound per run")->capture_default_str();
  cmd->add_option("--shrink-budget", a->opts.shrink_budget,
                  "replays spent minimising each counterexample")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--trace-dir", a->trace_dir, "where minimised counterexamples are written")
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "print the results as JSON instead of a table");
  cmd->callback([a, &exit_code] { exit_code = run_check(*a); });
}

}  // namespace papaya::cli
