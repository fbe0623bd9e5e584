// Pipes: a byte stream that returns what is available, end of file once every write end is
// closed, SIGPIPE/EPIPE once every read end is, one direction per end, no seeking.
#include "conformance/kernel/registry.hpp"
#include "os/io.hpp"

namespace papaya::conformance {

namespace {

Scenario pipe_read_returns_available() {
  return {
      .name = "PipeReadReturnsTheAvailableBytesUpToTheRequest",
      .rule =
          "pipe(7): \"The communication channel provided by a pipe is a byte stream: there "
          "is no concept of message boundaries.\"; POSIX.1-2017 read(): the value returned "
          "may be less than nbyte if \"the file is a pipe or FIFO or special file and has "
          "fewer than nbyte bytes immediately available for reading\"",
      .body =
          [](Os& os, const Ctx& c) {
            auto [r, w] = c.need(os, os.pipe(), "pipe");
            c.observe(os, "write abc: " + show(os.write(w, "abc")));
            c.observe(os, "write def: " + show(os.write(w, "def")));
            c.observe(os, "read 4: " + show(read_some(os, r, 4)));
            c.observe(os, "read 10: " + show(read_some(os, r, 10)));
            c.observe(os, "write gh: " + show(os.write(w, "gh")));
            c.observe(os, "read 10: " + show(read_some(os, r, 10)));
          },
      .expected =
          "write abc: 3\n"
          "write def: 3\n"
          "read 4: \"abcd\"\n"
          "read 10: \"ef\"\n"
          "write gh: 2\n"
          "read 10: \"gh\"\n",
  };
}

Scenario pipe_eof_after_last_writer() {
  return {
      .name = "PipeReadSeesEndOfFileOnceEveryWriteEndIsClosed",
      .rule =
          "pipe(7): \"If all file descriptors referring to the write end of a pipe have been "
          "closed, then an attempt to read(2) from the pipe will see end-of-file (read(2) "
          "will return 0).\"",
      .body =
          [](Os& os, const Ctx& c) {
            auto [r, w] = c.need(os, os.pipe(), "pipe");
            Fd w2 = c.need(os, os.dup(w), "dup");
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.close(r), "close");
              c.need(os, write_all(os, w, "a"), "write a");
              c.need(os, os.close(w), "close");
              c.need(os, write_all(os, w2, "b"), "write b through the dup");
              // exits: the last write end closes with it
            });
            c.observe(os, "parent: close its write ends: " + show(os.close(w)) + " " +
                              show(os.close(w2)));
            c.observe(os, "parent: read until end of file: \"" + read_to_eof(os, r) + "\"");
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "parent: close its write ends: ok ok\n"
          "parent: read until end of file: \"ab\"\n"
          "child exited 0\n",
  };
}

Scenario write_without_reader() {
  return {
      .name = "WriteToAPipeWithNoReaderRaisesSigpipeOrFailsEpipe",
      .rule =
          "pipe(7): \"If all file descriptors referring to the read end of a pipe have been "
          "closed, then a write(2) will cause a SIGPIPE signal to be generated for the "
          "calling process. If the calling process is ignoring this signal, then write(2) "
          "fails with the error EPIPE.\"",
      .body =
          [](Os& os, const Ctx& c) {
            for (bool ignore : {false, true}) {
              Pid kid = spawn(os, c, [=](Os& os) {
                if (ignore) c.need(os, os.sigaction(Sig::pipe, SigAction::ign()), "ignore");
                auto [r, w] = c.need(os, os.pipe(), "pipe");
                c.need(os, os.close(r), "close the read end");
                c.observe(os, "child: write: " + show(os.write(w, "x")));
              });
              c.observe(os, std::string(ignore ? "child ignoring SIGPIPE " : "child ") +
                                show(os.waitpid(kid, false)));
            }
          },
      .expected =
          "child killed by SIGPIPE\n"
          "child: write: EPIPE\n"
          "child ignoring SIGPIPE exited 0\n",
  };
}

Scenario pipe_ends_one_way() {
  return {
      .name = "PipeEndsWorkOneWayAndCannotSeek",
      .rule =
          "pipe(2): \"pipefd[0] refers to the read end of the pipe. pipefd[1] refers to the "
          "write end of the pipe.\"; pipe(7): \"It is not possible to apply lseek(2) to a "
          "pipe.\"; lseek(2): \"ESPIPE fd is associated with a pipe, socket, or FIFO.\"",
      .body =
          [](Os& os, const Ctx& c) {
            auto [r, w] = c.need(os, os.pipe(), "pipe");
            c.observe(os, "read from the write end: " + show(read_some(os, w, 4)));
            c.observe(os, "write to the read end: " + show(os.write(r, "x")));
            c.observe(os, "lseek: " + show(os.lseek(r, 0, Whence::cur)));
            c.observe(os, "pread: " + show(pread_some(os, r, 4, 0)));
          },
      .expected =
          "read from the write end: EBADF\n"
          "write to the read end: EBADF\n"
          "lseek: ESPIPE\n"
          "pread: ESPIPE\n",
  };
}

Scenario large_pipe_write_blocks() {
  return {
      .name = "LargePipeWriteBlocksUntilReadAndArrivesWhole",
      .rule =
          "pipe(7): \"If a process attempts to write to a full pipe (see below), then "
          "write(2) blocks until sufficient data has been read from the pipe to allow the "
          "write to complete.\" \"Since Linux 2.6.11, the pipe capacity is 16 pages (i.e., "
          "65,536 bytes in a system with a page size of 4096 bytes).\"",
      .body =
          [](Os& os, const Ctx& c) {
            constexpr size_t kBytes = 200'000;  // three times the capacity
            auto [r, w] = c.need(os, os.pipe(), "pipe");
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.close(r), "close");
              c.observe(os, "writer: one write of 200000 bytes returned " +
                                show(os.write(w, pattern(kBytes))));
            });
            c.need(os, os.close(w), "close");
            std::string got = read_to_eof(os, r);
            c.observe(os, "reader: " + std::to_string(got.size()) +
                              " bytes, in order: " + yes_no(got == pattern(kBytes)));
            c.observe(os, "writer " + show(os.waitpid(kid, false)));
          },
      .expected =
          "writer: one write of 200000 bytes returned 200000\n"
          "reader: 200000 bytes, in order: yes\n"
          "writer exited 0\n",
  };
}

}  // namespace

std::vector<Scenario> pipe_scenarios() {
  return {pipe_read_returns_available(), pipe_eof_after_last_writer(), write_without_reader(),
          pipe_ends_one_way(), large_pipe_write_blocks()};
}

}  // namespace papaya::conformance
