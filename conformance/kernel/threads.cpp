// Threads: two threads of one process making regular-file calls on one shared descriptor (the
// model's Task: clone(2)'s CLONE_THREAD and CLONE_FILES, model/process.hpp). A scenario's second
// thread is a goroutine (Os::go): on Linux the root runs on real::fiber's FiberOs with two
// scheduler threads, and two goroutines started one after the other live on different threads
// (real/fiber/scheduler.hpp: round-robin, never migrating; file calls block their thread), so
// their write(2)s are two kernel threads' calls at once. On the sim the root is a goroutine
// program whose regular-file calls run on a thread of their own when another is busy
// (docs/goroutines.md, "Each M is a kernel thread"). Only outcomes that any schedule gives are
// observed: sizes, offsets, whether every write landed whole, how many of each thread's.
#include <algorithm>

#include "conformance/kernel/registry.hpp"
#include "os/io.hpp"

namespace papaya::conformance {

namespace {

// Each thread writes kWrites runs of kRun bytes of its own letter: over four pages each, so on
// both worlds a write is in progress page by page while the other thread's write comes.
constexpr std::size_t kRun = 4 * 4096 + 100;
constexpr int kWrites = 8;

// Starts two threads that each write kWrites runs of their letter ('A', 'B') through `fd`, waits
// for both, and observes how many threads saw every write() return the whole run.
void two_threads_write(Os& os, const Ctx& c, Fd fd) {
  const GoChan done = os.new_chan(2);
  for (int t = 0; t < 2; ++t) {
    os.go([fd, done, t](Os& g) {
      const std::string run(kRun, static_cast<char>('A' + t));
      bool whole = true;
      for (int i = 0; i < kWrites; ++i) {
        const Result<size_t> n = g.write(fd, run);
        whole = whole && n && *n == kRun;
      }
      g.chan_send(done, whole ? 1 : 0);
    });
  }
  std::int64_t whole = 0;
  for (int t = 0; t < 2; ++t) whole += os.chan_recv(done).value;
  c.observe(os, "threads whose every write returned the whole run: " + std::to_string(whole));
}

// The file's shape: every kRun-aligned run one letter, and how many runs of each.
void observe_runs(Os& os, const Ctx& c, std::string_view name) {
  const Fd fd = c.open(os, name, OpenFlags::rdonly);
  const std::string text = pread_to_eof(os, fd, 0).value_or("");
  (void)os.close(fd);
  c.observe(os, "file size: " + std::to_string(text.size()));
  bool whole = text.size() % kRun == 0;
  int a = 0;
  int b = 0;
  for (std::size_t at = 0; whole && at < text.size(); at += kRun) {
    whole = text.compare(at, kRun, std::string(kRun, text[at])) == 0;
    a += text[at] == 'A';
    b += text[at] == 'B';
  }
  c.observe(os, "every run whole: " + yes_no(whole) + "; runs of A: " + std::to_string(a) +
                    ", of B: " + std::to_string(b));
}

Scenario two_threads_append() {
  return {
      .name = "TwoThreadsAppendingThroughOneDescriptorNeverInterleave",
      .rule =
          "write(2): \"If the file was open(2)ed with O_APPEND, the file offset is first set to "
          "the end of the file before writing. The adjustment of the file offset and the write "
          "operation are performed as an atomic step.\"; write(2) BUGS, POSIX XSI 2.9.7: \"All "
          "of the following functions shall be atomic with respect to each other in the "
          "effects specified in POSIX.1-2008 when they operate on regular files\" \"among the "
          "effects that should be atomic across threads (and processes) are updates of the "
          "file offset\"; clone(2) CLONE_FILES: \"the calling process and the child process "
          "share the same file descriptor table\"",
      // One O_APPEND descriptor, two threads, 8 writes of 16,484 bytes each: every write lands
      // whole after the one before it, whichever thread's it is. The order of the 16 runs is the
      // schedule's; only their shape and count are observed.
      .body =
          [](Os& os, const Ctx& c) {
            const Fd fd =
                c.open(os, "log",
                       OpenFlags::wronly | OpenFlags::creat | OpenFlags::trunc | OpenFlags::append);
            two_threads_write(os, c, fd);
            c.observe(os, "offset after: " + show(os.lseek(fd, 0, Whence::cur)));
            (void)os.close(fd);
            observe_runs(os, c, "log");
          },
      .expected =
          "threads whose every write returned the whole run: 2\n"
          "offset after: 263744\n"
          "file size: 263744\n"
          "every run whole: yes; runs of A: 8, of B: 8\n",
      .threads = true,
  };
}

Scenario two_threads_share_an_offset() {
  return {
      .name = "TwoThreadsWritingThroughOneSharedOffsetNeverOverlap",
      .rule =
          "write(2) BUGS: \"among the effects that should be atomic across threads (and "
          "processes) are updates of the file offset. However, before Linux 3.14, this was not "
          "the case: if two processes that share an open file description (see open(2)) "
          "perform a write() (or writev(2)) at the same time, then the I/O operations were not "
          "atomic with respect to updating the file offset, with the result that the blocks of "
          "data output by the two processes might (incorrectly) overlap. This problem was fixed "
          "in Linux 3.14.\"; clone(2) CLONE_FILES: \"the calling process and the child process "
          "share the same file descriptor table\"",
      // No O_APPEND: each write goes where the shared offset is and moves it. Were offset
      // updates not atomic, two writes would start at one offset and the runs overlap (a run
      // of mixed letters, a file shorter than 16 runs).
      .body =
          [](Os& os, const Ctx& c) {
            const Fd fd =
                c.open(os, "data", OpenFlags::wronly | OpenFlags::creat | OpenFlags::trunc);
            two_threads_write(os, c, fd);
            c.observe(os, "offset after: " + show(os.lseek(fd, 0, Whence::cur)));
            (void)os.close(fd);
            observe_runs(os, c, "data");
          },
      .expected =
          "threads whose every write returned the whole run: 2\n"
          "offset after: 263744\n"
          "file size: 263744\n"
          "every run whole: yes; runs of A: 8, of B: 8\n",
      .threads = true,
  };
}

Scenario threads_share_the_descriptor_table() {
  return {
      .name = "AThreadsDescriptorsAndOffsetsAreTheOtherThreads",
      .rule =
          "clone(2) CLONE_FILES: \"the calling process and the child process share the same "
          "file descriptor table. Any file descriptor created by the calling process or by the "
          "child process is also valid in the other process. Similarly, if one of the processes "
          "closes a file descriptor, or changes its associated flags (using the fcntl(2) "
          "F_SETFD operation), the other process is also affected.\"",
      // Turns ordered by an unbuffered channel: the thread moves the shared offset and opens a
      // descriptor; main reads at the moved offset and writes through the thread's descriptor,
      // then closes it; the thread's next write through it fails. Nothing is opened between
      // main's close and that write, so the number is not reused.
      .body =
          [](Os& os, const Ctx& c) {
            const Fd fd = c.open(os, "data", OpenFlags::rdwr | OpenFlags::creat | OpenFlags::trunc);
            c.need(os, write_all(os, fd, "0123456789"), "write the data");
            const GoChan turn = os.new_chan(0);
            os.go([c, fd, turn](Os& g) {
              (void)g.lseek(fd, 6, Whence::set);
              const Fd mine =
                  c.open(g, "other", OpenFlags::wronly | OpenFlags::creat | OpenFlags::trunc);
              g.chan_send(turn, mine);
              (void)g.chan_recv(turn);  // main closed it
              const Result<size_t> n = g.write(mine, "late");
              g.chan_send(turn, n ? 0 : static_cast<std::int64_t>(n.error()));
            });
            const Fd theirs = static_cast<Fd>(os.chan_recv(turn).value);
            c.observe(os,
                      "main reads 4 after the thread's lseek to 6: " + show(read_some(os, fd, 4)));
            const Result<size_t> wrote = os.write(theirs, "from main");
            const Status closed = os.close(theirs);
            os.chan_send(turn, 0);
            const std::int64_t late = os.chan_recv(turn).value;
            c.observe(os, "main writes through the thread's descriptor: " + show(wrote));
            c.observe(os, "main closes it: " + show(closed));
            c.observe(os, "the thread writes through it after: " +
                              std::string(late == 0 ? "ok" : errno_name(static_cast<Errno>(late))));
            (void)os.close(fd);
            c.observe(os, "other holds: " + file_text(os, c, "other"));
          },
      .expected =
          "main reads 4 after the thread's lseek to 6: \"6789\"\n"
          "main writes through the thread's descriptor: 9\n"
          "main closes it: ok\n"
          "the thread writes through it after: EBADF\n"
          "other holds: \"from main\"\n",
      .threads = true,
  };
}

}  // namespace

std::vector<Scenario> thread_scenarios() {
  return {two_threads_append(), two_threads_share_an_offset(),
          threads_share_the_descriptor_table()};
}

}  // namespace papaya::conformance
