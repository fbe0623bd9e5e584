// to_dot: a trace as a Graphviz graph (`dot -Tsvg`), one lane (cluster) per process.
//
// Within a lane the process's steps go top to bottom. Ranks follow the trace's step order (no
// step is drawn above an earlier one) but are shared across lanes, so independent processes sit
// side by side. Cross-process edges: fork, kill -> effect, unlock -> grant, write -> read, exit ->
// reap. Lock holds fill the nodes and thicken the lane (orange LOCK_EX, blue LOCK_SH); a blocked
// call is grey with a dashed lane to the step that completed it; highlighted steps are red.
// Runs of uninteresting steps (getpid, getpgid, now, take_caught = 0, sigprocmask, sigaction,
// log) are collapsed into one "xN" node unless RenderOptions::full.
#pragma once

#include <string>

#include "traces/render/render_model.hpp"

namespace papaya::render {

std::string to_dot(const RenderModel& m, const RenderOptions& o = {});

}  // namespace papaya::render
