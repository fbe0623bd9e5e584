#include "os/io.hpp"

#include <memory>

namespace papaya {

namespace {
template <class Op>
Status put_all(std::string_view bytes, Op op) {
  while (!bytes.empty()) {
    Result<size_t> n = op(bytes);
    if (!n) {
      if (n.error() == Errno::eintr) continue;
      return n.error();
    }
    if (*n == 0) return Errno::eio;  // a zero-byte write of a non-empty buffer: no progress
    bytes.remove_prefix(*n);
  }
  return {};
}
}  // namespace

Status write_all(Os& os, Fd fd, std::string_view bytes, Site site) {
  return put_all(bytes, [&](std::string_view b) { return os.write(fd, b, site); });
}

Status send_all(Os& os, Fd fd, std::string_view bytes, Site site) {
  return put_all(bytes, [&](std::string_view b) { return os.send(fd, b, site); });
}

Result<std::string> recv_exactly(Os& os, Fd fd, size_t n, Site site) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    Result<size_t> r = os.recv(fd, std::span<char>(out.data() + got, n - got), site);
    if (!r) return r.error();
    if (*r == 0) break;
    got += *r;
  }
  out.resize(got);
  return out;
}

Result<std::string> pread_to_eof(Os& os, Fd fd, Offset off, size_t chunk, Site site) {
  std::string out;
  // Uninitialised: zero-filling 64 KiB per call was over a third of a simulated chat run. Not
  // static: pread is a scheduling point, and simulated processes share one address space.
  std::unique_ptr<char[]> buf = std::make_unique_for_overwrite<char[]>(chunk);
  for (;;) {
    Result<size_t> r = os.pread(fd, std::span<char>(buf.get(), chunk), off, site);
    if (!r) {
      if (r.error() == Errno::eintr) continue;
      return r.error();
    }
    if (*r == 0) return out;
    out.append(buf.get(), *r);
    off += static_cast<Offset>(*r);
  }
}

}  // namespace papaya
