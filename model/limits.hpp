// Every limit of the simulated world, in one place (xv6's param.h). A limit the simulated kernel
// enforces is a modelled error (EMFILE, EAGAIN, ENOSPC); a limit of the simulator itself (steps,
// stack size) ends the run with a verdict. Nothing in model/ or sim/ is unbounded.
#pragma once

#include <cstddef>
#include <cstdint>

namespace papaya::model::limits {

// ---- processes
inline constexpr int processes =
    512;  // pids ever created in one run; fork fails with EAGAIN past it (sequential pids)
// proc(5): "/proc/sys/kernel/pid_max ... This file specifies the value at which PIDs wrap around
// (i.e., the value in this file is one greater than the maximum PID). ... The default value for
// this file, 32768". With pids named by fork path (KernelConfig::path_pids) a fork whose child's
// pid would reach it fails with EAGAIN; so does a process's fork past `path_pid_fanout` children.
inline constexpr int pid_max = 32768;
inline constexpr int path_pid_fanout = 16;
// threads of one process besides its first (a Go program's Ms in system calls at once)
inline constexpr int tasks_per_process = 64;
inline constexpr int fds_per_process = 256;  // RLIMIT_NOFILE analogue; EMFILE past it
inline constexpr int first_free_fd = 3;      // 0, 1, 2 start open on the null device (as on Linux)

// ---- objects (per run, ids are never reused)
inline constexpr std::size_t open_files =
    1u << 20;  // open file descriptions ever created; EMFILE past it
inline constexpr std::size_t inodes = 1u << 16;   // files ever created; ENOSPC past it
inline constexpr std::size_t sockets = 1u << 16;  // socket ends ever created; EMFILE past it

// ---- files
inline constexpr std::size_t file_bytes = 64u
                                          << 20;  // largest regular file; a write stops short there
inline constexpr std::size_t page_size = 4096;  // a regular-file write becomes visible page by page
inline constexpr std::size_t path_length = 4095;  // PATH_MAX - 1; ENAMETOOLONG past it

// ---- pipes (pipe(7))
inline constexpr std::size_t pipe_capacity =
    65536;  // "the pipe capacity is 16 pages (i.e., 65,536 bytes"
inline constexpr std::size_t pipe_buf = 4096;  // PIPE_BUF: writes up to it are atomic

// ---- sockets
inline constexpr std::size_t socket_buffer =
    1u << 20;                                // bytes queued towards one end before send blocks
inline constexpr int backlog_max = 4096;     // SOMAXCONN: listen() clamps its backlog to it
inline constexpr int segments_per_send = 4;  // a send arrives in at most this many segments
inline constexpr std::uint16_t ephemeral_first = 32768;  // ip_local_port_range's default start
inline constexpr std::uint16_t ephemeral_last = 60999;

// ---- the simulator
inline constexpr std::uint64_t steps = 1'000'000;  // default step bound of one run
inline constexpr std::size_t fiber_stack = 256u
                                           << 10;  // per simulated process (fmt/iostreams are deep)
inline constexpr std::size_t log_message = 4096;   // Os::log keeps at most this many bytes

}  // namespace papaya::model::limits
