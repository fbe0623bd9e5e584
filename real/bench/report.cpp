#include "real/bench/report.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace papaya::real::bench {

namespace {

// A point's CPU figures: the kept (quiet) intervals when there are at least 4 of them, else all
// intervals (`from_all` marks it in the table).
struct Figure {
  double mean = 0;
  double cv = 0;
  bool from_all = false;
};
Figure figure(const PointResult& r) {
  if (r.kept.n >= 4) return {r.kept.mean, r.kept.cv, false};
  return {r.all.mean, r.all.cv, true};
}

double median_of(std::vector<double> xs) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  size_t m = xs.size() / 2;
  return xs.size() % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

struct Cell {
  std::vector<double> means, cvs;
  bool any_from_all = false;
  int quiet = 0, intervals = 0;
};

// design -> N -> cell; and (design, N) -> per-round ratios to c.
struct Grouped {
  std::vector<std::string> designs;  // in first-seen order
  std::set<int> ns;
  std::map<std::string, std::map<int, Cell>> cells;
  std::map<std::string, std::map<int, std::vector<double>>> ratio_to_c;
};

Grouped group(const std::vector<PointResult>& results) {
  Grouped g;
  std::map<std::pair<int, int>, double> c_round;  // (N, repeat) -> c's mean
  for (const PointResult& r : results) {
    if (!r.error.empty() || r.intervals == 0) continue;
    if (std::find(g.designs.begin(), g.designs.end(), r.design) == g.designs.end())
      g.designs.push_back(r.design);
    g.ns.insert(r.connections);
    Figure f = figure(r);
    Cell& c = g.cells[r.design][r.connections];
    c.means.push_back(f.mean);
    c.cvs.push_back(f.cv);
    c.any_from_all |= f.from_all;
    c.quiet += r.quiet;
    c.intervals += r.intervals;
    if (r.design == "c") c_round[{r.connections, r.repeat}] = f.mean;
  }
  for (const PointResult& r : results) {
    if (!r.error.empty() || r.intervals == 0 || r.design == "c") continue;
    auto it = c_round.find({r.connections, r.repeat});
    if (it != c_round.end() && it->second > 0)
      g.ratio_to_c[r.design][r.connections].push_back(figure(r).mean / it->second);
  }
  return g;
}

const PaperRow* paper_row(int n) {
  for (const PaperRow& p : paper_table())
    if (p.connections == n) return &p;
  return nullptr;
}

}  // namespace

const std::vector<PaperRow>& paper_table() {
  static const std::vector<PaperRow> rows{
      {1, 0.34, 0.159, 1.94, 0.169},   {2, 0.45, 0.221, 2.61, 0.205},
      {4, 0.79, 0.228, 4.35, 0.172},   {8, 1.37, 0.137, 6.15, 0.276},
      {16, 2.17, 0.147, 11.71, 0.229}, {32, 2.53, 0.172, 22.71, 0.322},
      {64, 2.53, 0.180, 36.08, 0.243}};
  return rows;
}

std::string csv_header() {
  return "design,workload,connections,repeat,intervals,quiet,dropped_load_jump,kept,mean_cpu_pct,"
         "stddev,cv,mean_cpu_pct_all,cv_all,other_pct_median,processes,pss_idle_kib,"
         "pss_loaded_kib,pss_per_conn_kib,kernel_per_conn_kib,load_rate_bps_per_conn,load_late,"
         "load_late_p50_ms,load_late_p99_ms,"
         "load_lines_due,load_cpu_pct,load_bytes_received,load_runq_wait_pct,load_window_s,"
         "fanout_expected,fanout_received,fanout_duplicates,fanout_p50_ms,fanout_p90_ms,"
         "fanout_p99_ms,fanout_max_ms,anon_per_conn_kib,paired_with,error\n";
}

std::string csv_row(const PointResult& r) {
  std::string err = r.error;
  std::replace(err.begin(), err.end(), ',', ';');
  std::replace(err.begin(), err.end(), '\n', ' ');
  return fmt::format(
      "{},{},{},{},{},{},{},{},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:.2f},{},{},{},{:.1f},"
      "{:.1f},{:.0f},{},{:.1f},{:.1f},{},{:.2f},{},{:.1f},{:.3f},{},{},{},{:.3f},{:.3f},{:.3f},"
      "{:.3f},{:.1f},{},{}\n",
      r.design, r.workload, r.connections, r.repeat, r.intervals, r.quiet, r.dropped_load_jump,
      r.kept.n, r.kept.mean, r.kept.stddev, r.kept.cv, r.all.mean, r.all.cv, r.other_pct_median,
      r.processes, r.pss_idle_kib, r.pss_loaded_kib, r.pss_per_conn_kib, r.kernel_per_conn_kib,
      r.load_rate_bps, r.load_late, r.load_late_p50_ms, r.load_late_p99_ms, r.load_lines_due,
      r.load_cpu_pct, r.load_bytes_received, r.load_runq_wait_pct, r.load_window_s,
      r.fanout_expected, r.fanout_received, r.fanout_duplicates, r.fanout_p50_ms, r.fanout_p90_ms,
      r.fanout_p99_ms, r.fanout_max_ms, r.anon_per_conn_kib, r.paired_with, err);
}

std::vector<PointResult> parse_csv(const std::string& text) {
  std::vector<PointResult> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.rfind("design,", 0) == 0) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    if (line.back() == ',') f.emplace_back();
    if (f.size() != 38) continue;
    auto d = [&](int i) { return std::atof(f[static_cast<size_t>(i)].c_str()); };
    auto n = [&](int i) { return std::atoi(f[static_cast<size_t>(i)].c_str()); };
    PointResult r;
    r.design = f[0];
    r.workload = f[1];
    r.connections = n(2);
    r.repeat = n(3);
    r.intervals = n(4);
    r.quiet = n(5);
    r.dropped_load_jump = n(6);
    r.kept.n = static_cast<size_t>(n(7));
    r.kept.mean = d(8);
    r.kept.stddev = d(9);
    r.kept.cv = d(10);
    r.all.mean = d(11);
    r.all.cv = d(12);
    r.all.n = static_cast<size_t>(r.intervals);
    r.other_pct_median = d(13);
    r.processes = n(14);
    r.pss_idle_kib = static_cast<std::uint64_t>(d(15));
    r.pss_loaded_kib = static_cast<std::uint64_t>(d(16));
    r.pss_per_conn_kib = d(17);
    r.kernel_per_conn_kib = d(18);
    r.load_rate_bps = d(19);
    r.load_late = static_cast<std::uint64_t>(d(20));
    r.load_late_p50_ms = d(21);
    r.load_late_p99_ms = d(22);
    r.load_lines_due = static_cast<std::uint64_t>(d(23));
    r.load_cpu_pct = d(24);
    r.load_bytes_received = static_cast<std::uint64_t>(d(25));
    r.load_runq_wait_pct = d(26);
    r.load_window_s = d(27);
    r.fanout_expected = static_cast<std::uint64_t>(d(28));
    r.fanout_received = static_cast<std::uint64_t>(d(29));
    r.fanout_duplicates = static_cast<std::uint64_t>(d(30));
    r.fanout_p50_ms = d(31);
    r.fanout_p90_ms = d(32);
    r.fanout_p99_ms = d(33);
    r.fanout_max_ms = d(34);
    r.anon_per_conn_kib = d(35);
    r.paired_with = f[36];
    r.error = f[37];
    out.push_back(r);
  }
  return out;
}

std::string markdown_table(const std::vector<PointResult>& results) {
  Grouped g = group(results);
  std::string md = "| N | paper C % (CV) | paper Go % (CV) | paper Go/C |";
  std::string rule = "| --- | --- | --- | --- |";
  for (const std::string& d : g.designs) {
    md += fmt::format(" {} % (CV) [min-max] |", d);
    rule += " --- |";
    if (d != "c" && g.cells.count("c")) {
      md += fmt::format(" {}/c |", d);
      rule += " --- |";
    }
  }
  md += "\n" + rule + "\n";
  std::set<int> ns = g.ns;
  for (const PaperRow& p : paper_table()) ns.insert(p.connections);
  for (int n : ns) {
    const PaperRow* p = paper_row(n);
    md += p ? fmt::format("| {} | {:.2f} ({:.3f}) | {:.2f} ({:.3f}) | {:.1f} |", n, p->c_mean,
                          p->c_cv, p->go_mean, p->go_cv, p->go_mean / p->c_mean)
            : fmt::format("| {} | - | - | - |", n);
    for (const std::string& d : g.designs) {
      auto it = g.cells[d].find(n);
      if (it == g.cells[d].end()) {
        md += " - |";
      } else {
        const Cell& c = it->second;
        auto [lo, hi] = std::minmax_element(c.means.begin(), c.means.end());
        md += fmt::format(" {:.2f} ({:.3f}) [{:.2f}-{:.2f}]{} |", median_of(c.means),
                          median_of(c.cvs), *lo, *hi, c.any_from_all ? " *" : "");
      }
      if (d != "c" && g.cells.count("c")) {
        auto rt = g.ratio_to_c[d].find(n);
        md +=
            rt == g.ratio_to_c[d].end() ? " - |" : fmt::format(" {:.2f} |", median_of(rt->second));
      }
    }
    md += "\n";
  }
  md +=
      "\nOurs: median over repeats of each run's mean server CPU (% of one core) over its quiet "
      "intervals, the median CV in parentheses, the repeats' range in brackets; `*`: fewer than "
      "4 quiet intervals in some run, so all its intervals were used. Ratios: per round (designs "
      "run back to back), then the median.\n";
  return md;
}

std::string chat_table(const std::vector<PointResult>& results) {
  Grouped g = group(results);
  std::string md =
      "| N | design | server CPU % (CV) [min-max] | anonymous PSS per connection, KiB | fan-out "
      "latency "
      "p50 / p90 / p99 / max, ms | delivered lines per second | delivered lines per second per "
      "core (per CPU-second) | missing |\n"
      "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (int n : g.ns) {
    for (const std::string& d : g.designs) {
      auto it = g.cells[d].find(n);
      if (it == g.cells[d].end()) continue;
      const Cell& c = it->second;
      auto [lo, hi] = std::minmax_element(c.means.begin(), c.means.end());
      std::vector<double> pss, p50, p90, p99, mx, per_s, per_cpu;
      std::uint64_t missing = 0, expected = 0;
      for (const PointResult& r : results) {
        if (r.design != d || r.connections != n || !r.error.empty() || r.intervals == 0) continue;
        pss.push_back(r.anon_per_conn_kib);
        p50.push_back(r.fanout_p50_ms);
        p90.push_back(r.fanout_p90_ms);
        p99.push_back(r.fanout_p99_ms);
        mx.push_back(r.fanout_max_ms);
        per_s.push_back(r.deliveries_per_s());
        per_cpu.push_back(r.deliveries_per_cpu_s());
        expected += r.fanout_expected;
        missing += r.fanout_expected - std::min(r.fanout_expected, r.fanout_received);
      }
      md += fmt::format(
          "| {} | {} | {:.2f} ({:.3f}) [{:.2f}-{:.2f}]{} | {:.0f} | {:.2f} / {:.2f} / {:.2f} / "
          "{:.2f} | {:.0f} | {:.0f} | {} of {} |\n",
          n, d, median_of(c.means), median_of(c.cvs), *lo, *hi, c.any_from_all ? " *" : "",
          median_of(pss), median_of(p50), median_of(p90), median_of(p99), median_of(mx),
          median_of(per_s), median_of(per_cpu), missing, expected);
    }
  }
  md +=
      "\nServer CPU: median over repeats of each run's mean (% of one core), quiet intervals only "
      "unless marked `*` (fewer than 4 quiet: all intervals). Fan-out latency: from a line's send "
      "to its arrival at each other connection, medians over repeats of each run's percentiles. "
      "Anonymous PSS per connection: (loaded - idle) / N of the tree's Pss_Anon + Pss_Shmem (the "
      "file-backed rest is shared with every program mapping the same files). Delivered lines per "
      "second: (line, receiving "
      "connection) pairs that arrived, per second of the load's window; per core: the same per "
      "second of server CPU (one core busy for a second), issue 12's \"delivered lines per second "
      "per core\". Rejected points (errors) are left out.\n";
  return md;
}

std::string write_outputs(const std::string& dir, const std::vector<PointResult>& results) {
  {
    std::ofstream csv(dir + "/results.csv");
    csv << csv_header();
    for (const PointResult& r : results) csv << csv_row(r);
  }
  {
    std::ofstream md(dir + "/results.md");
    const bool chat = std::any_of(results.begin(), results.end(),
                                  [](const PointResult& r) { return r.workload == "chat"; });
    md << (chat ? chat_table(results) : markdown_table(results));
  }
  Grouped g = group(results);
  {
    std::ofstream paper(dir + "/paper.dat");
    paper << "# N c_mean c_cv go_mean go_cv\n";
    for (const PaperRow& p : paper_table())
      paper << fmt::format("{} {} {} {} {}\n", p.connections, p.c_mean, p.c_cv, p.go_mean, p.go_cv);
  }
  std::string cpu_plot, cv_plot;
  for (const std::string& d : g.designs) {
    std::ofstream dat(dir + "/" + d + ".dat");
    dat << "# N median_mean min max median_cv\n";
    for (const auto& [n, c] : g.cells[d]) {
      auto [lo, hi] = std::minmax_element(c.means.begin(), c.means.end());
      dat << fmt::format("{} {:.4f} {:.4f} {:.4f} {:.4f}\n", n, median_of(c.means), *lo, *hi,
                         median_of(c.cvs));
    }
    cpu_plot += fmt::format(", '{0}.dat' using 1:2:3:4 with yerrorlines lw 2 title 'ours: {0}'", d);
    cv_plot += fmt::format(", '{0}.dat' using 1:5 with linespoints lw 2 title 'ours: {0}'", d);
  }
  std::string gp = fmt::format(
      "# gnuplot script written by papaya bench cpu; run in this directory: gnuplot plot.gp\n"
      "set key top left\nset logscale x 2\nset grid\nset xlabel 'connections (1 Mbit/s each)'\n"
      "do for [t in 'pngcairo svg'] {{\n"
      "  ext = (t eq 'svg') ? 'svg' : 'png'\n"
      "  set terminal t size 900,600\n"
      "  set output 'cpu.'.ext\n  set logscale y\n  set ylabel 'server CPU, % of one core'\n"
      "  plot 'paper.dat' using 1:2 with linespoints dt 2 pt 6 title 'paper: C (FreeBSD, top)', "
      "'paper.dat' using 1:4 with linespoints dt 2 pt 4 title 'paper: Go'{}\n"
      "  set output 'cv.'.ext\n  unset logscale y\n  set ylabel 'coefficient of variation'\n"
      "  plot 'paper.dat' using 1:3 with linespoints dt 2 pt 6 title 'paper: C', 'paper.dat' using "
      "1:5 with linespoints dt 2 pt 4 title 'paper: Go'{}\n"
      "}}\n",
      cpu_plot, cv_plot);
  {
    std::ofstream f(dir + "/plot.gp");
    f << gp;
  }
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    return "plots: gnuplot not installed (apt-get install gnuplot-nox), script left in " + dir +
           "/plot.gp";
  }
  std::string cmd = "cd '" + dir + "' && gnuplot plot.gp 2>gnuplot.err";
  if (std::system(cmd.c_str()) != 0) return "plots: gnuplot failed, see " + dir + "/gnuplot.err";
  return "plots: " + dir + "/cpu.png, cv.png (and .svg)";
}

}  // namespace papaya::real::bench
