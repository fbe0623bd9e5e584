// papaya render FILE --format dot|svg|perfetto [-o OUT] [--highlight 12,40] [--full]
//                    [--max-steps N] [--from N] [--pids 5,6]
// Draws a trace (docs/render.md). The renderers are pure (traces/render/); this file only reads
// the file, picks the window and, for SVG, pipes the DOT text through Graphviz's `dot -Tsvg`.
// Exit 0 when the picture was written, 2 on bad usage or a malformed trace, or when `dot` is
// missing or fails.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "traces/render/dot.hpp"
#include "traces/render/load.hpp"
#include "traces/render/perfetto.hpp"

extern char** environ;

namespace papaya::cli {

namespace {

struct RenderArgs {
  std::string file;
  std::string format;
  std::string out = "-";
  std::vector<std::size_t> highlight;
  std::vector<Pid> pids;
  bool full = false;
  std::size_t max_steps = 0;
  bool max_steps_given = false;
  std::size_t from = 0;
};

constexpr std::size_t default_max_steps = 400;  // DOT and SVG; Perfetto draws every step

std::string step_range(std::size_t steps) {
  return steps == 0 ? "the trace has no steps"
                    : "the trace has steps 0.." + std::to_string(steps - 1);
}

int fail(const std::string& what) {
  std::fprintf(stderr, "papaya render: %s\n", what.c_str());
  return exit_usage;
}

std::string format_from_extension(const std::string& out) {
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return out.size() > e.size() && out.compare(out.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".svg")) return "svg";
  if (ends(".json")) return "perfetto";
  return "dot";
}

bool write_text(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text << std::flush;
    return static_cast<bool>(std::cout);
  }
  std::ofstream f(path, std::ios::binary);
  f << text;
  return static_cast<bool>(f);
}

// Runs `dot -Tsvg [-o OUT]` with `text` on its standard input. "" on success, else the problem.
std::string run_dot(const std::string& text, const std::string& out) {
  int fds[2];
  if (pipe(fds) != 0) return std::string("pipe: ") + std::strerror(errno);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<std::string> args{"dot", "-Tsvg"};
  if (out != "-") args.insert(args.end(), {"-o", out});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "dot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[0]);
  if (rc != 0) {
    close(fds[1]);
    if (rc == ENOENT)
      return "Graphviz's `dot` is not on PATH: install graphviz (apt-get install graphviz) or use "
             "--format dot";
    return std::string("cannot run dot: ") + std::strerror(rc);
  }
  std::fflush(stdout);
  auto old = std::signal(SIGPIPE, SIG_IGN);  // dot may exit before reading everything
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fds[1], text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  close(fds[1]);
  std::signal(SIGPIPE, old);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return "dot -Tsvg failed" + (WIFEXITED(status)
                                     ? " (exit " + std::to_string(WEXITSTATUS(status)) + ")"
                                     : std::string());
  if (done < text.size()) return "dot -Tsvg stopped reading its input";
  return "";
}

int run_render(RenderArgs a) {
  if (a.format.empty()) a.format = format_from_extension(a.out);
  if (a.format != "dot" && a.format != "svg" && a.format != "perfetto")
    return fail("--format " + a.format + ": expected dot, svg or perfetto");
  render::RenderModel m;
  try {
    m = render::load_render_model_file(a.file);
  } catch (const traces::TraceError& e) {
    return fail(e.what());
  }
  std::size_t steps = m.events.size();
  for (std::size_t s : a.highlight)
    if (s >= steps) return fail("--highlight " + std::to_string(s) + ": " + step_range(steps));
  if (a.from > 0 && a.from >= steps)
    return fail("--from " + std::to_string(a.from) + ": " + step_range(steps));
  for (Pid p : a.pids)
    if (m.lane(p) == nullptr)
      return fail("--pids " + std::to_string(p) + ": no such process in the trace");
  render::RenderOptions o;
  o.highlight = a.highlight;
  o.pids = a.pids;
  o.full = a.full;
  o.from = a.from;
  o.max_steps = a.max_steps_given ? a.max_steps : a.format == "perfetto" ? 0 : default_max_steps;
  render::Window w = render::window_of(m, o);
  if (w.truncated(steps))
    std::fprintf(stderr,
                 "papaya render: %s: drawing steps %zu..%zu of %zu (--max-steps %zu, --from %zu)\n",
                 a.file.c_str(), w.begin, w.end - 1, steps, o.max_steps, o.from);
  if (a.format == "perfetto") {
    if (!write_text(a.out, render::to_perfetto_json(m, o))) return fail(a.out + ": cannot write");
    return exit_ok;
  }
  std::string dot = render::to_dot(m, o);
  if (a.format == "dot") {
    if (!write_text(a.out, dot)) return fail(a.out + ": cannot write");
    return exit_ok;
  }
  std::string problem = run_dot(dot, a.out);
  if (!problem.empty()) return fail(problem);
  return exit_ok;
}

}  // namespace

void add_render_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<RenderArgs>();
  CLI::App* cmd = app.add_subcommand(
      "render", "Draw a trace: Graphviz DOT/SVG lanes, or Perfetto (Chrome trace JSON)");
  cmd->add_option("FILE", a->file, "a trace written by papaya sim (JSON Lines)")->required();
  cmd->add_option("--format", a->format,
                  "dot, svg or perfetto (default: from -o's extension, else dot)")
      ->check(CLI::IsMember({"dot", "svg", "perfetto"}));
  cmd->add_option("-o,--output", a->out, "where to write (default: standard output)");
  cmd->add_option("--highlight", a->highlight, "steps to draw as violations, e.g. 12,40")
      ->delimiter(',');
  cmd->add_option("--pids", a->pids, "draw only these processes, e.g. 5,6,7,8")->delimiter(',');
  cmd->add_flag("--full", a->full,
                "DOT/SVG: draw every step (no collapsing of uninteresting runs)");
  auto* max =
      cmd->add_option("--max-steps", a->max_steps,
                      "draw at most N steps (default 400 for dot/svg, all for perfetto; 0: all)");
  cmd->add_option("--from", a->from, "the first step to draw (default 0)");
  cmd->callback([a, max, &exit_code] {
    a->max_steps_given = max->count() > 0;
    exit_code = run_render(*a);
  });
}

}  // namespace papaya::cli
