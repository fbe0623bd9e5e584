#include "real/sampler/proc_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <map>

namespace papaya::real::sampler {

namespace {

std::vector<int> numeric_entries(const std::string& dir) {
  std::vector<int> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    if (std::isdigit(static_cast<unsigned char>(e->d_name[0])) != 0)
      out.push_back(std::atoi(e->d_name));
  }
  closedir(d);
  return out;
}

}  // namespace

std::optional<std::string> read_proc_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[4096];
  for (int i = 0; i < 1024; ++i) {  // bounded: 4 MiB, far beyond any file read here
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

std::vector<int> process_tree(int root) {
  std::multimap<int, int> children;  // ppid -> pid
  for (int pid : numeric_entries("/proc")) {
    std::optional<std::string> text = read_proc_file("/proc/" + std::to_string(pid) + "/stat");
    if (!text) continue;
    std::optional<PidStat> st = parse_pid_stat(*text);
    if (st && st->state != 'Z') children.emplace(st->ppid, st->pid);
  }
  std::vector<int> tree{root};
  for (size_t i = 0; i < tree.size() && tree.size() < 100'000; ++i) {
    auto [lo, hi] = children.equal_range(tree[i]);
    for (auto it = lo; it != hi; ++it) tree.push_back(it->second);
  }
  return tree;
}

std::optional<std::uint64_t> process_run_ns(int pid) {
  const std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  std::vector<int> tids = numeric_entries(task_dir);
  if (tids.empty()) return std::nullopt;
  std::uint64_t sum = 0;
  for (int tid : tids) {
    std::optional<std::string> text =
        read_proc_file(task_dir + "/" + std::to_string(tid) + "/schedstat");
    if (!text) continue;  // the thread ended between the listing and the read
    if (std::optional<std::uint64_t> ns = parse_schedstat_run_ns(*text)) sum += *ns;
  }
  return sum;
}

std::optional<std::uint64_t> process_pss_kib(int pid) {
  std::optional<std::string> text =
      read_proc_file("/proc/" + std::to_string(pid) + "/smaps_rollup");
  if (!text) return std::nullopt;
  return parse_kib_field(*text, "Pss");
}

std::optional<std::uint64_t> process_anon_pss_kib(int pid) {
  std::optional<std::string> text =
      read_proc_file("/proc/" + std::to_string(pid) + "/smaps_rollup");
  if (!text) return std::nullopt;
  std::optional<std::uint64_t> anon = parse_kib_field(*text, "Pss_Anon");
  std::optional<std::uint64_t> shmem = parse_kib_field(*text, "Pss_Shmem");
  if (!anon || !shmem) return std::nullopt;
  return *anon + *shmem;
}

std::optional<std::uint64_t> kernel_share_kib() {
  std::optional<std::string> text = read_proc_file("/proc/meminfo");
  if (!text) return std::nullopt;
  std::uint64_t sum = 0;
  for (const char* f : {"KernelStack", "PageTables", "SUnreclaim"}) {
    std::optional<std::uint64_t> v = parse_kib_field(*text, f);
    if (!v) return std::nullopt;
    sum += *v;
  }
  return sum;
}

std::vector<CoreTicks> core_ticks() {
  std::optional<std::string> text = read_proc_file("/proc/stat");
  return text ? parse_proc_stat(*text) : std::vector<CoreTicks>{};
}

long ticks_per_second() { return sysconf(_SC_CLK_TCK); }

}  // namespace papaya::real::sampler
