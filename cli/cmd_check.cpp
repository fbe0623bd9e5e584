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

#include "check/check_suite.hpp"
#include "cli/allocator.hpp"
#include "cli/command.hpp"
#include "cli/design_options.hpp"
#include "traces/jsonl.hpp"

namespace papaya::cli {

namespace {

namespace fs = std::filesystem;
using properties::Cell;
using properties::Row;

struct CheckArgs {
  DesignArgs designs;
  properties::CheckOptions opts;
  std::string trace_dir = "papaya-check";
  bool json = false;
  bool list = false;
};

// `--list`: what a full check would run, for scripts (scripts/refresh-corpus): "row DESIGN
// VARIANT" per row, then "property NAME" per column.
int print_list(const DesignChoice& choice) {
  for (const chat::DesignVariant& dv : choice.rows)
    std::printf("row %s %s\n", std::string(chat::design_name(dv.design)).c_str(),
                std::string(chat::variant_name(dv.variant)).c_str());
  for (auto p : properties::all_properties)
    std::printf("property %s\n", std::string(properties::property_name(p)).c_str());
  return exit_ok;
}

// "process/no-lock" (with sep "-": process-no-lock, for file names).
std::string row_name(const Row& r, std::string_view sep = "/") {
  return fmt::format("{}{}{}", chat::design_name(r.design), sep, chat::variant_name(r.variant));
}

// Variant names are unique across designs, so a counterexample is named by its variant (as before
// there were two designs), except `correct`, which every design has: "goroutine-correct".
std::string file_stem(const Row& r) {
  if (r.variant != chat::Variant::correct) return std::string(chat::variant_name(r.variant));
  return row_name(r, "-");
}

std::string trace_file(const CheckArgs& a, const Row& r, const Cell& c) {
  return (fs::path(a.trace_dir) /
          fmt::format("{}-{}.jsonl", file_stem(r), properties::property_name(c.property)))
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

void print_table(const std::vector<Row>& rows, const std::vector<std::vector<std::string>>& paths) {
  std::vector<std::string> head{"design/variant"};
  for (auto p : properties::all_properties) head.emplace_back(properties::property_name(p));
  head.emplace_back("result");
  std::vector<std::vector<std::string>> cells{head};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::vector<std::string> line{row_name(rows[i])};
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
            row_name(r).c_str(), std::string(properties::property_name(c.property)).c_str(),
            c.failing_runs, r.runs, c.scenario.c_str(), static_cast<unsigned long long>(c.seed),
            static_cast<unsigned long long>(c.steps),
            static_cast<unsigned long long>(c.minimised_steps),
            static_cast<unsigned long long>(c.minimised_preemptions), c.minimised_scenario.c_str(),
            c.detail.c_str());
}

nlohmann::json row_json(const Row& r, const std::vector<std::string>& paths) {
  nlohmann::json j{{"design", chat::design_name(r.design)},
                   {"variant", chat::variant_name(r.variant)},
                   {"runs", r.runs},
                   {"steps", r.steps},
                   {"max_simultaneous_readers", r.max_readers},
                   {"excused_reader_waits", r.excused_reader_waits},
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
  keep_freed_memory();
  const DesignChoice choice = resolve_designs(a.designs, World::sim, /*many=*/true);
  if (!choice.ok()) {
    std::fprintf(stderr, "papaya check: %s\n", choice.error.c_str());
    return exit_usage;
  }
  if (a.list) return print_list(choice);
  std::string designs;
  for (const chat::DesignVariant& dv : choice.rows)
    if (designs.find(chat::design_name(dv.design)) == std::string::npos)
      designs += (designs.empty() ? "" : ", ") + std::string(chat::design_name(dv.design));
  const bool tty = isatty(STDERR_FILENO) == 1 && !a.json;
  auto started = std::chrono::steady_clock::now();
  std::vector<Row> rows;
  std::vector<std::vector<std::string>> paths;
  for (const chat::DesignVariant& dv : choice.rows) {
    rows.push_back(properties::check_variant(dv, a.opts, [&](const Row& r, int done, int total) {
      if (tty) std::fprintf(stderr, "\r  %-28s %4d/%d runs", row_name(r).c_str(), done, total);
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
    ok = ok && (choice.rows.size() == 1 ? !r.any_failed() : r.as_expected());
  }
  if (a.json) {
    nlohmann::json j{{"design", designs},
                     {"runs", runs},
                     {"seconds", seconds},
                     {"ok", ok},
                     {"max_simultaneous_readers", readers},
                     {"rows", nlohmann::json::array()}};
    for (std::size_t i = 0; i < rows.size(); ++i) j["rows"].push_back(row_json(rows[i], paths[i]));
    std::printf("%s\n", j.dump(2).c_str());
    return ok ? exit_ok : exit_failure;
  }
  std::printf(
      "papaya check: design %s, %d runs in %.1f s (%.0f runs/s), seeds %llu..%llu per scenario\n",
      designs.c_str(), runs, seconds, runs / std::max(seconds, 1e-9),
      static_cast<unsigned long long>(a.opts.seed),
      static_cast<unsigned long long>(a.opts.seed + static_cast<std::uint64_t>(a.opts.runs) - 1));
  print_table(rows, paths);
  print_details(rows);
  std::printf("most readers holding the log at once: %d\n", readers);
  // Never excused silently (properties/unlimited_readers.cpp): Go's sync.RWMutex writer preference.
  for (const Row& r : rows)
    if (r.excused_reader_waits > 0)
      std::printf(
          "%s unlimited-readers: %d reader waits excused (a writer was waiting: "
          "sync.RWMutex's writer preference); first: %s\n",
          row_name(r).c_str(), r.excused_reader_waits, r.first_excused_reader_wait.c_str());
  std::printf("%s\n", ok ? "papaya check: ok" : "papaya check: FAILED");
  return ok ? exit_ok : exit_failure;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Run the built-in scenario suite for every design and variant and check every property");
  add_design_options(cmd, a->designs, World::sim, /*many=*/true);
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
  cmd->add_flag("--list", a->list,
                "print the rows (\"row DESIGN VARIANT\") and properties (\"property NAME\") a "
                "check would run, and exit");
  cmd->callback([a, &exit_code] { exit_code = run_check(*a); });
}

}  // namespace papaya::cli
