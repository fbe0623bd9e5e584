// Reading a trace file into a RenderModel. The file is first validated by the trace reader
// (traces/jsonl.hpp: malformed JSON, wrong format version, steps out of order, a file that ends
// before its verdict line); then each step line is parsed into an Event, checking the fields the
// renderers use. Every problem is a traces::TraceError whose what() is "NAME:LINE: problem".
#pragma once

#include <string>
#include <string_view>

#include "traces/jsonl.hpp"
#include "traces/render/render_model.hpp"

namespace papaya::render {

// Parses `text` (the whole file) and runs the inference passes (build_model).
RenderModel load_render_model(std::string_view text, const std::string& name = "trace");
RenderModel load_render_model_file(const std::string& path);

}  // namespace papaya::render
