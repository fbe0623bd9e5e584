// infer_byte_edges: write -> read edges through a regular file's bytes (infer.hpp).
#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "traces/render/infer.hpp"

namespace papaya::render {

namespace {

struct Span {
  std::int64_t begin;
  std::int64_t end;  // exclusive
};

struct Written {
  std::size_t step;
  Pid pid;
  Span bytes;
};

bool is_write(model::OpKind k) { return k == model::OpKind::write || k == model::OpKind::pwrite; }
bool is_read(model::OpKind k) { return k == model::OpKind::read || k == model::OpKind::pread; }

// `spans` minus `cut`; returns what of `spans` `cut` covered (its hull, or nothing).
std::optional<Span> subtract(std::vector<Span>& spans, Span cut) {
  std::optional<Span> hit;
  std::vector<Span> rest;
  for (Span s : spans) {
    std::int64_t b = std::max(s.begin, cut.begin), e = std::min(s.end, cut.end);
    if (b >= e) {
      rest.push_back(s);
      continue;
    }
    hit = hit ? Span{std::min(hit->begin, b), std::max(hit->end, e)} : Span{b, e};
    if (s.begin < b) rest.push_back(Span{s.begin, b});
    if (e < s.end) rest.push_back(Span{e, s.end});
  }
  spans = std::move(rest);
  return hit;
}

}  // namespace

std::vector<Edge> infer_byte_edges(const std::vector<Event>& events) {
  std::vector<Edge> out;
  std::map<std::uint32_t, std::vector<Written>> writes;  // per inode, in step order
  for (const Event& e : events) {
    if (e.inode == 0 || !e.moved || *e.moved <= 0 || e.status == model::StepStatus::blocked)
      continue;
    Span bytes{*e.pos, *e.pos + *e.moved};
    if (is_write(e.op)) {
      writes[e.inode].push_back(Written{e.step, e.pid, bytes});
    } else if (is_read(e.op)) {
      // The latest write of each byte is the one the read saw: walk the writes backwards until
      // every byte of the read is accounted for.
      std::vector<Span> unseen{bytes};
      const std::vector<Written>& ws = writes[e.inode];
      for (auto w = ws.rbegin(); w != ws.rend() && !unseen.empty(); ++w) {
        std::optional<Span> hit = subtract(unseen, w->bytes);
        if (hit && w->pid != e.pid)
          out.push_back(
              Edge{EdgeKind::write_read, w->step, e.step,
                   "[" + std::to_string(hit->begin) + "," + std::to_string(hit->end) + ")"});
      }
    }
  }
  return out;
}

}  // namespace papaya::render
