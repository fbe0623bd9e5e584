// RealOs: the server's log. syslog(3), or one line per call on stderr.
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "real/real_os.hpp"

namespace papaya::real {

namespace {

int syslog_priority(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return LOG_DEBUG;
    case LogLevel::info: return LOG_INFO;
    case LogLevel::warning: return LOG_WARNING;
    case LogLevel::error: return LOG_ERR;
  }
  return LOG_INFO;
}

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
  }
  return "info";
}

// "2024-05-01T12:00:00.123Z": UTC, so lines from processes with different TZ settings agree.
std::string utc_timestamp() {
  timespec ts = {};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  tm parts = {};
  ::gmtime_r(&ts.tv_sec, &parts);
  char buf[40];
  size_t n = ::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &parts);
  std::snprintf(buf + n, sizeof buf - n, ".%03ldZ", ts.tv_nsec / 1'000'000);
  return buf;
}

// A message is one log line: embedded newlines would let one process's entry look like two.
void append_one_line(std::string& out, std::string_view message) {
  for (char c : message) {
    if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void write_whole(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr gone: nowhere left to complain
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

RealOs::RealOs() : RealOs(Options{}) {}

RealOs::RealOs(Options options) : options_(std::move(options)) {
  // syslog(3): LOG_NDELAY opens the connection now, before the daemon drops privileges or
  // loses access to /dev/log. openlog keeps the ident pointer, so it points into options_.
  if (options_.syslog) ::openlog(options_.ident.c_str(), LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

RealOs::~RealOs() {
  if (options_.syslog) ::closelog();
}

void RealOs::log(LogLevel level, std::string_view message, Site) {
  if (options_.syslog) {
    ::syslog(syslog_priority(level), "%.*s", static_cast<int>(message.size()), message.data());
    return;
  }
  std::string line = utc_timestamp();
  line += ' ';
  line += options_.ident;
  line += '[' + std::to_string(::getpid()) + "] " + level_name(level) + ": ";
  append_one_line(line, message);
  line += '\n';
  // One write(2) per line: pipe(7) makes writes up to PIPE_BUF atomic, so lines from the many
  // server processes sharing stderr do not interleave.
  write_whole(2, line);
}

}  // namespace papaya::real
