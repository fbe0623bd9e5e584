// infer_lanes: one lane per process, with its parent and role (infer.hpp).
#include <algorithm>
#include <map>

#include "traces/render/infer.hpp"

namespace papaya::render {

namespace {

// The chat role a call site's file names ("" for shared code: chat_log.cpp, os/io.cpp, ...).
// Traces recorded before chat/ was split by design name the files without their folder.
std::string_view role_of_site(std::string_view file) {
  for (std::string_view folder : {"chat/process/", "chat/scenario/"})
    if (file.starts_with(folder)) file = file.substr(folder.size() - 1);  // keeps the '/'
  if (file == "/process_recv.cpp" || file == "chat/process_recv.cpp") return "Child RECV";
  if (file == "/process_send.cpp" || file == "chat/process_send.cpp") return "Child SEND";
  if (file == "/process_auth.cpp" || file == "chat/process_auth.cpp") return "auth";
  if (file == "/scenario.cpp" || file == "chat/scenario.cpp") return "client";
  return "";
}

std::string role_of(const Lane& lane, const std::vector<Event>& events) {
  if (lane.pid == 1) return "init";
  for (std::size_t i : lane.steps)
    if (events[i].op == model::OpKind::accept) return "daemon";
  std::vector<std::string_view> roles;
  for (std::size_t i : lane.steps) {
    std::string_view r = role_of_site(events[i].site_file());
    if (!r.empty() && std::find(roles.begin(), roles.end(), r) == roles.end()) roles.push_back(r);
  }
  std::string out;
  for (std::string_view r : roles) out += (out.empty() ? "" : " -> ") + std::string(r);
  return out;
}

}  // namespace

std::vector<Lane> infer_lanes(const std::vector<Event>& events) {
  std::map<Pid, Lane> by_pid;
  std::map<Pid, Pid> parent;
  for (const Event& e : events) {
    Lane& l = by_pid[e.pid];
    l.pid = e.pid;
    l.steps.push_back(e.step);
    if (e.op == model::OpKind::fork && e.ok() && *e.ret > 0)
      parent[static_cast<Pid>(*e.ret)] = e.pid;
  }
  std::vector<Lane> out;
  for (auto& [pid, lane] : by_pid) {
    if (auto it = parent.find(pid); it != parent.end()) lane.parent = it->second;
    lane.role = role_of(lane, events);
    out.push_back(std::move(lane));
  }
  return out;
}

}  // namespace papaya::render
