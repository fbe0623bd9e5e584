// Files: open file descriptions and their offsets (shared across fork and dup, separate per
// open), O_APPEND, pread/pwrite, lseek, read at end of file, unlink, EBADF.
#include <algorithm>

#include "conformance/kernel/registry.hpp"
#include "os/io.hpp"

namespace papaya::conformance {

namespace {

constexpr OpenFlags kNew = OpenFlags::rdwr | OpenFlags::creat | OpenFlags::trunc;
constexpr OpenFlags kNewAppend = kNew | OpenFlags::append;

std::string offset(Os& os, Fd fd) { return show(os.lseek(fd, 0, Whence::cur)); }

Scenario forked_child_shares_offset() {
  return {
      .name = "ForkedChildSharesFileOffsetWithParent",
      .rule =
          "fork(2): \"Each file descriptor in the child refers to the same open file "
          "description (see open(2)) as the corresponding file descriptor in the parent. "
          "This means that the two file descriptors share open file status flags, file "
          "offset, and signal-driven I/O attributes\"",
      // xv6's sharedfd question, with the turns ordered: if the offset were not shared, the
      // child's second write would land on the parent's bytes.
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "f", kNew);
            Channel to_child = channel(os, c), to_parent = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              c.observe(os, "child writes c1: " + show(os.write(fd, "c1")));
              post(os, c, to_parent);
              await(os, c, to_child);
              c.observe(os, "child writes c2: " + show(os.write(fd, "c2")));
            });
            await(os, c, to_parent);
            c.observe(os, "parent writes p1: " + show(os.write(fd, "p1")));
            post(os, c, to_child);
            c.observe(os, "child " + show(os.waitpid(kid, false)));
            c.observe(os, "parent's offset: " + offset(os, fd));
            c.observe(os, "file: " + file_text(os, c, "f"));
          },
      .expected =
          "child writes c1: 2\n"
          "parent writes p1: 2\n"
          "child writes c2: 2\n"
          "child exited 0\n"
          "parent's offset: 6\n"
          "file: \"c1p1c2\"\n",
  };
}

Scenario dup_shares_offset() {
  return {
      .name = "DupSharesFileOffset",
      .rule =
          "dup(2): \"Since the two file descriptors refer to the same open file "
          "description, they share file offset and file status flags; for example, if the "
          "file offset is modified by using lseek(2) on one of the file descriptors, the "
          "offset is also changed for the other file descriptor.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "f", kNew);
            Fd copy = c.need(os, os.dup(fd), "dup");
            c.observe(os, "write ab through fd: " + show(os.write(fd, "ab")));
            c.observe(os, "write cd through the dup: " + show(os.write(copy, "cd")));
            c.observe(os, "fd's offset: " + offset(os, fd));
            c.observe(os, "lseek the dup to 1: " + show(os.lseek(copy, 1, Whence::set)));
            c.observe(os, "fd's offset: " + offset(os, fd));
            c.observe(os, "file: " + file_text(os, c, "f"));
          },
      .expected =
          "write ab through fd: 2\n"
          "write cd through the dup: 2\n"
          "fd's offset: 4\n"
          "lseek the dup to 1: 1\n"
          "fd's offset: 1\n"
          "file: \"abcd\"\n",
  };
}

Scenario separate_opens_have_own_offsets() {
  return {
      .name = "SeparateOpensHaveIndependentOffsets",
      .rule =
          "open(2): \"Each open() of a file creates a new open file description; thus, "
          "there may be multiple open file descriptions corresponding to a file inode.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd first = c.open(os, "f", kNew);
            Fd second = c.open(os, "f", OpenFlags::rdwr);
            c.observe(os, "write xxxx through the first: " + show(os.write(first, "xxxx")));
            c.observe(os, "write yy through the second: " + show(os.write(second, "yy")));
            c.observe(os, "offsets: " + offset(os, first) + " and " + offset(os, second));
            c.observe(os, "file: " + file_text(os, c, "f"));
          },
      .expected =
          "write xxxx through the first: 4\n"
          "write yy through the second: 2\n"
          "offsets: 4 and 2\n"
          "file: \"yyxx\"\n",
  };
}

Scenario append_writes_at_end() {
  return {
      .name = "AppendWriteGoesToTheEndWhateverTheOffset",
      .rule =
          "open(2) O_APPEND: \"Before each write(2), the file offset is positioned at the "
          "end of the file, as if with lseek(2). The modification of the file offset and "
          "the write operation are performed as a single atomic step.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd plain = c.open(os, "f", kNew);
            c.observe(os, "write hello without O_APPEND: " + show(os.write(plain, "hello")));
            Fd app = c.open(os, "f", OpenFlags::wronly | OpenFlags::append);
            c.observe(os,
                      "lseek the O_APPEND descriptor to 0: " + show(os.lseek(app, 0, Whence::set)));
            c.observe(os, "write ! through it: " + show(os.write(app, "!")));
            c.observe(os, "its offset: " + offset(os, app));
            c.observe(os, "file: " + file_text(os, c, "f"));
          },
      .expected =
          "write hello without O_APPEND: 5\n"
          "lseek the O_APPEND descriptor to 0: 0\n"
          "write ! through it: 1\n"
          "its offset: 6\n"
          "file: \"hello!\"\n",
  };
}

Scenario append_moves_shared_offset() {
  return {
      .name = "AppendWriteThroughSharedDescriptionMovesTheReadersOffset",
      .rule =
          "open(2) O_APPEND: \"Before each write(2), the file offset is positioned at the "
          "end of the file\" -- and fork(2): the child's descriptor shares that offset",
      // The paper's shared-offset bug in miniature: a reader positions itself, a forked writer
      // appends through the same description, and the reader's offset is now at the end.
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "log", kNewAppend);
            c.observe(os, "parent appends 0123456789: " + show(os.write(fd, "0123456789")));
            c.observe(os, "parent lseeks to 0: " + show(os.lseek(fd, 0, Whence::set)));
            Pid kid = spawn(os, c, [=](Os& os) {
              c.observe(os, "child appends X: " + show(os.write(fd, "X")));
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
            c.observe(os, "parent's offset: " + offset(os, fd));
            c.observe(os, "parent reads: " + show(read_some(os, fd, 16)));
          },
      .expected =
          "parent appends 0123456789: 10\n"
          "parent lseeks to 0: 0\n"
          "child appends X: 1\n"
          "child exited 0\n"
          "parent's offset: 11\n"
          "parent reads: \"\"\n",
  };
}

Scenario pread_leaves_offset() {
  return {
      .name = "PreadLeavesTheOffsetUnchanged",
      .rule =
          "pread(2): \"pread() reads up to count bytes from file descriptor fd at offset "
          "offset (from the start of the file) into the buffer starting at buf. The file "
          "offset is not changed.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "f", kNew);
            c.need(os, write_all(os, fd, "abcdef"), "write");
            c.observe(os, "lseek to 1: " + show(os.lseek(fd, 1, Whence::set)));
            c.observe(os, "pread 3 at 3: " + show(pread_some(os, fd, 3, 3)));
            c.observe(os, "offset: " + offset(os, fd));
            c.observe(os, "read 2: " + show(read_some(os, fd, 2)));
            c.observe(os, "pread 4 at 4: " + show(pread_some(os, fd, 4, 4)));
            c.observe(os, "pread 4 at the end: " + show(pread_some(os, fd, 4, 6)));
            c.observe(os, "pread 4 past the end: " + show(pread_some(os, fd, 4, 100)));
            c.observe(os, "offset: " + offset(os, fd));
          },
      .expected =
          "lseek to 1: 1\n"
          "pread 3 at 3: \"def\"\n"
          "offset: 1\n"
          "read 2: \"bc\"\n"
          "pread 4 at 4: \"ef\"\n"
          "pread 4 at the end: \"\"\n"
          "pread 4 past the end: \"\"\n"
          "offset: 3\n",
  };
}

Scenario pwrite_leaves_offset() {
  return {
      .name = "PwriteLeavesTheOffsetUnchanged",
      .rule =
          "pread(2): \"pwrite() writes up to count bytes from the buffer starting at buf "
          "to the file descriptor fd at offset offset. The file offset is not changed.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "f", kNew);
            c.need(os, write_all(os, fd, "abcdef"), "write");
            c.observe(os, "lseek to 2: " + show(os.lseek(fd, 2, Whence::set)));
            c.observe(os, "pwrite XY at 4: " + show(os.pwrite(fd, "XY", 4)));
            c.observe(os, "offset: " + offset(os, fd));
            c.observe(os, "write --: " + show(os.write(fd, "--")));
            c.observe(os, "file: " + file_text(os, c, "f"));
          },
      .expected =
          "lseek to 2: 2\n"
          "pwrite XY at 4: 2\n"
          "offset: 2\n"
          "write --: 2\n"
          "file: \"ab--XY\"\n",
  };
}

Scenario pwrite_on_append_appends() {
  return {
      .name = "PwriteOnAnAppendDescriptorAppendsOnLinux",
      .rule =
          "pread(2) BUGS: \"on Linux, if a file is opened with O_APPEND, pwrite() appends "
          "data to the end of the file, regardless of the value of offset.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "f", kNewAppend);
            c.observe(os, "write abc: " + show(os.write(fd, "abc")));
            c.observe(os, "pwrite Z at 0: " + show(os.pwrite(fd, "Z", 0)));
            c.observe(os, "offset: " + offset(os, fd));
            c.observe(os, "file: " + file_text(os, c, "f"));
          },
      .expected =
          "write abc: 3\n"
          "pwrite Z at 0: 1\n"
          "offset: 3\n"
          "file: \"abcZ\"\n",
  };
}

Scenario lseek_whences() {
  return {
      .name = "LseekSetsCurAndEndPositionTheNextRead",
      .rule =
          "lseek(2): \"SEEK_SET The file offset is set to offset bytes. SEEK_CUR The file "
          "offset is set to its current location plus offset bytes. SEEK_END The file "
          "offset is set to the size of the file plus offset bytes.\" EINVAL: \"the "
          "resulting file offset would be negative\"; seeking past the end \"does not "
          "change the size of the file\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "f", kNew);
            c.need(os, write_all(os, fd, "0123456789"), "write");
            c.observe(os, "SEEK_SET 3: " + show(os.lseek(fd, 3, Whence::set)));
            c.observe(os, "SEEK_CUR +2: " + show(os.lseek(fd, 2, Whence::cur)));
            c.observe(os, "read 1: " + show(read_some(os, fd, 1)));
            c.observe(os, "SEEK_END -1: " + show(os.lseek(fd, -1, Whence::end)));
            c.observe(os, "read 4: " + show(read_some(os, fd, 4)));
            c.observe(os, "read 4 at end of file: " + show(read_some(os, fd, 4)));
            c.observe(os, "SEEK_SET -1: " + show(os.lseek(fd, -1, Whence::set)));
            c.observe(os, "offset still: " + offset(os, fd));
            c.observe(os, "SEEK_END +5: " + show(os.lseek(fd, 5, Whence::end)));
            c.observe(os, "read 4 past the end: " + show(read_some(os, fd, 4)));
            c.observe(os, "size: " + show(os.file_size(fd)));
          },
      .expected =
          "SEEK_SET 3: 3\n"
          "SEEK_CUR +2: 5\n"
          "read 1: \"5\"\n"
          "SEEK_END -1: 9\n"
          "read 4: \"9\"\n"
          "read 4 at end of file: \"\"\n"
          "SEEK_SET -1: EINVAL\n"
          "offset still: 10\n"
          "SEEK_END +5: 15\n"
          "read 4 past the end: \"\"\n"
          "size: 10\n",
  };
}

Scenario regular_file_reads_short_only_at_end() {
  return {
      .name = "RegularFileReadIsShortOnlyAtEndOfFile",
      .rule =
          "read(2): \"It is not an error if this number is smaller than the number of bytes "
          "requested; this may happen for example because fewer bytes are actually "
          "available right now (maybe because we were close to end-of-file ...)\"; POSIX "
          "read: a short read of a regular file happens only when \"the number of bytes "
          "left in the file is less than nbyte\" (or a signal interrupts it)",
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "f", kNew);
            c.need(os, write_all(os, fd, "0123456789"), "write");
            c.need(os, os.lseek(fd, 0, Whence::set), "lseek");
            for (int i = 0; i < 4; ++i) c.observe(os, "read 4: " + show(read_some(os, fd, 4)));
          },
      .expected =
          "read 4: \"0123\"\n"
          "read 4: \"4567\"\n"
          "read 4: \"89\"\n"
          "read 4: \"\"\n",
  };
}

Scenario open_errors() {
  return {
      .name = "OpenFailsEnoentWithoutCreatAndEexistWithExcl",
      .rule =
          "open(2): \"ENOENT O_CREAT is not set and the named file does not exist.\" "
          "\"EEXIST pathname already exists and O_CREAT and O_EXCL were used.\" O_TRUNC: "
          "\"If the file already exists and is a regular file and the access mode allows "
          "writing ... it will be truncated to length 0.\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.observe(os, "open missing without O_CREAT: " +
                              ok_or_errno(os.open(c.path("missing"), OpenFlags::rdonly)));
            constexpr OpenFlags excl = OpenFlags::wronly | OpenFlags::creat | OpenFlags::excl;
            Result<Fd> made = os.open(c.path("f"), excl);
            c.observe(os, "open O_CREAT|O_EXCL: " + ok_or_errno(made));
            c.observe(os, "again: " + ok_or_errno(os.open(c.path("f"), excl)));
            c.need(os, write_all(os, c.need(os, made, "open"), "data"), "write");
            Fd trunc = c.open(os, "f", OpenFlags::wronly | OpenFlags::trunc);
            c.observe(os, "size after O_TRUNC: " + show(os.file_size(trunc)));
          },
      .expected =
          "open missing without O_CREAT: ENOENT\n"
          "open O_CREAT|O_EXCL: ok\n"
          "again: EEXIST\n"
          "size after O_TRUNC: 0\n",
  };
}

Scenario unlinked_file_stays_readable() {
  return {
      .name = "UnlinkedFileStaysReadableThroughAnOpenDescriptor",
      .rule =
          "unlink(2): \"If the name was the last link to a file but any processes still "
          "have the file open, the file will remain in existence until the last file "
          "descriptor referring to it is closed.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "f", kNew);
            c.need(os, write_all(os, fd, "still here"), "write");
            c.observe(os, "unlink: " + show(os.unlink(c.path("f"))));
            c.observe(os, "open by name: " + ok_or_errno(os.open(c.path("f"), OpenFlags::rdonly)));
            c.observe(os, "pread through the open descriptor: " + show(pread_some(os, fd, 64, 0)));
            c.observe(os, "unlink again: " + show(os.unlink(c.path("f"))));
          },
      .expected =
          "unlink: ok\n"
          "open by name: ENOENT\n"
          "pread through the open descriptor: \"still here\"\n"
          "unlink again: ENOENT\n",
  };
}

Scenario ebadf() {
  return {
      .name = "DescriptorsRejectTheDirectionTheyWereNotOpenedForAndUseAfterClose",
      .rule =
          "read(2): \"EBADF fd is not a valid file descriptor or is not open for reading.\" "
          "write(2): \"EBADF fd is not a valid file descriptor or is not open for writing.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd wr = c.open(os, "f", OpenFlags::wronly | OpenFlags::creat);
            c.observe(os, "read from O_WRONLY: " + show(read_some(os, wr, 4)));
            Fd rd = c.open(os, "f", OpenFlags::rdonly);
            c.observe(os, "write to O_RDONLY: " + show(os.write(rd, "x")));
            c.observe(os, "close: " + show(os.close(rd)));
            c.observe(os, "close again: " + show(os.close(rd)));
            c.observe(os, "read after close: " + show(read_some(os, rd, 4)));
          },
      .expected =
          "read from O_WRONLY: EBADF\n"
          "write to O_RDONLY: EBADF\n"
          "close: ok\n"
          "close again: EBADF\n"
          "read after close: EBADF\n",
  };
}

Scenario concurrent_appends_never_interleave() {
  return {
      .name = "ConcurrentAppendWritesNeverInterleave",
      .rule =
          "write(2): \"If the file was open(2)ed with O_APPEND, the file offset is first set "
          "to the end of the file before writing. The adjustment of the file offset and the "
          "write operation are performed as an atomic step.\"; POSIX XSI 2.9.7, quoted in "
          "write(2) BUGS: \"All of the following functions shall be atomic with respect to "
          "each other in the effects specified in POSIX.1-2008 when they operate on regular "
          "files\"",
      // Four processes, each with its own open file description, append 64 KiB at once. Only
      // the order of the four runs is left to the schedule, so the outcome states the shape.
      .body =
          [](Os& os, const Ctx& c) {
            constexpr size_t kRun = 65536;
            constexpr int kWriters = 4;
            Channel go = channel(os, c);
            Pid kids[kWriters];
            for (int i = 0; i < kWriters; ++i) {
              kids[i] = spawn(os, c, [=](Os& os) {
                Fd fd = c.open(os, "log", OpenFlags::wronly | OpenFlags::creat | OpenFlags::append);
                await(os, c, go);
                Result<size_t> n = os.write(fd, std::string(kRun, static_cast<char>('A' + i)));
                os.exit(n && *n == kRun ? 0 : 1);
              });
            }
            for (int i = 0; i < kWriters; ++i) post(os, c, go);
            std::string ends;
            for (Pid kid : kids) ends += " " + show(os.waitpid(kid, false));
            c.observe(os, "writers (exit 0 = one whole write):" + ends);
            Fd fd = c.open(os, "log", OpenFlags::rdonly);
            std::string text = pread_to_eof(os, fd, 0).value_or("");
            bool whole_runs = text.size() == kRun * kWriters;
            std::string letters;
            for (size_t at = 0; whole_runs && at < text.size(); at += kRun) {
              whole_runs = text.substr(at, kRun) == std::string(kRun, text[at]);
              letters += text[at];
            }
            std::sort(letters.begin(), letters.end());
            c.observe(os,
                      "file is four whole 64 KiB runs: " + yes_no(whole_runs && letters == "ABCD"));
          },
      .expected =
          "writers (exit 0 = one whole write): exited 0 exited 0 exited 0 exited 0\n"
          "file is four whole 64 KiB runs: yes\n",
  };
}

}  // namespace

std::vector<Scenario> file_scenarios() {
  return {forked_child_shares_offset(),
          dup_shares_offset(),
          separate_opens_have_own_offsets(),
          append_writes_at_end(),
          append_moves_shared_offset(),
          pread_leaves_offset(),
          pwrite_leaves_offset(),
          pwrite_on_append_appends(),
          lseek_whences(),
          regular_file_reads_short_only_at_end(),
          open_errors(),
          unlinked_file_stays_readable(),
          ebadf(),
          concurrent_appends_never_interleave()};
}

}  // namespace papaya::conformance
