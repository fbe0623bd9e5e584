// The trace's file format: JSON Lines, versioned (format_version in traces/trace.hpp).
//
//   {"type":"header","papaya":"0.1.0","format":2,"design":"process","variant":"correct",
//    "scenario":{...},"seed":7,"strategy":"random","max_steps":1000000,"faults":false}
//   {"type":"step","step":0,"t":0,"pid":1,"op":"open","args":{"flags":..,"mode":384},
//    "path":"/x","status":"done","ret":3,"dec":[["schedule",2,1]],"site":"chat/a.cpp:12"}
//   {"type":"step","step":1,"t":0,"pid":2,"g":5,"m":1,"op":"pread",...}  (goroutine 5's system
//                                                    call on the process's kernel thread 1)
//   ...
//   {"type":"warning","step":41,"text":"..."}            (any number, anywhere after the header)
//   {"type":"go_lock","step":9,"pid":2,"g":4,"rw":1,"op":"rlock"}  (a goroutine's RWMutex call
//                                                    returned, before step 9; traces::GoLockEvent)
//   {"type":"decisions","dec":[["go_select",2,1],...]}  (decisions taken between steps: a
//                                                    goroutine's; in order among the steps')
//   {"type":"go","step":41,"pid":2,"by":"P0","g":3,"op":"Mutex.Lock","obj":1,"status":"parked",
//    "ev":[{"g":3,"from":"running","to":"waiting","why":"park","wait":"semacquire","p":0},
//    {"g":4,"from":"runnable","to":"running","why":"schedule","p":0}],
//    "site":"chat/goroutine/hub.cpp:40"}  (a Go runtime's step before step 41, and the G and P
//                                          state changes it made: model/go/events.hpp)
//   {"type":"verdict","verdict":"ok","steps":123,"decisions":45,"virtual_time_ns":0,"detail":""}
//
// Format 2 added "g" and "m" to steps; a format 1 trace is refused with a line saying so.
// The reader validates: malformed JSON, a wrong format version, a missing field, a step out of
// order, or a file that ends before its verdict line are errors naming the line.
#pragma once

#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "traces/trace.hpp"

namespace papaya::traces {

// Serialises `t` (one line per record, each ending in '\n').
std::string to_jsonl(const Trace& t);
void write_jsonl(const Trace& t, std::ostream& out);

// Thrown by the reader: what() is one line, "FILE:LINE: problem".
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

LoadedTrace read_jsonl(std::istream& in, const std::string& name = "trace");
LoadedTrace read_jsonl_file(const std::string& path);

// The canonical form of one step line of `t` (what read_jsonl keeps in step_lines).
std::vector<std::string> step_lines(const Trace& t);
// The canonical form of each "go" line of `t` (read_jsonl's go_lines).
std::vector<std::string> go_lines(const Trace& t);

}  // namespace papaya::traces
