// The property checkers: one pure function per property (names: verdict.hpp), each a function of
// a run's History alone, so a saved trace can be re-checked anywhere. See docs/properties.md.
#pragma once

#include <string>
#include <vector>

#include "properties/history.hpp"
#include "properties/verdict.hpp"

namespace papaya::properties {

// Every whole line a client sent that the server must accept (not over max_line, no NUL) appears
// in the log exactly once, contiguous and intact, and the log holds nothing else.
Finding check_no_interleaved_writes(const History& h);

// No process holds LOCK_SH on the log (by its own flock calls) while another holds LOCK_EX, no
// read of the log overlaps a write in progress, and a read that reached the end of the log ends
// between two whole lines.
Finding check_no_read_during_write(const History& h);

// A reader never waits for readers: whenever a process that goes on to only read had to wait for
// the log's lock, some holder at that moment was writing (or about to). On a goroutine's
// sync.RWMutex only, a reader's wait while a writer waited is excused (Go's writer preference:
// "a blocked Lock call excludes new readers from acquiring the lock"); the finding's detail then
// counts them.
Finding check_unlimited_readers(const History& h);
// The reader waits check_unlimited_readers excused, one description each (empty when it failed
// before any, or none was needed).
std::vector<std::string> excused_reader_waits(const History& h);
// The most processes that held the log for reading at the same step.
int max_simultaneous_readers(const History& h);

// Every client that stayed to the end received exactly the log's bytes from its join point: the
// last `history_lines` lines before it, then everything after, in order, no gap, no duplicate. A
// client that left early received a prefix of that.
Finding check_delivery(const History& h);

// The run reached quiescence: every process ended; nothing stayed blocked.
Finding check_no_deadlock(const History& h);

// A client whose cluster was killed (kill -9 of either half) was either served to the end or
// disconnected by the server within its settle period (the bound): never left connected and
// waiting, deaf (nobody sending to it) or mute (nobody reading it). Issue 9.
Finding check_no_half_served(const History& h);

// The log heals (issue 9): every append begins where the log ends in a whole line (a writer that
// finds a torn tail, from a kill -9 mid-append or a full disk, cuts it back first), and no client
// receives a partial line: each line it received whole is a line some client sent, and one that
// stayed to the end received nothing after its last '\n'. Assumes each append is one line.
Finding check_log_heals(const History& h);

// While a client has stopped reading (it stays connected, its socket buffer fills), every other
// client still receives each line of the log within delivery_bound_ns of its append (or of its own
// connection, for lines older than that): one stuck client must not stall the others. Holds
// vacuously when no client stops reading.
Finding check_slow_client(const History& h);

// All of them, in the order of all_properties.
std::vector<Finding> check_all(const History& h);

}  // namespace papaya::properties
