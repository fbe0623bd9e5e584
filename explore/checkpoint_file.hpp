// A saved optimal DPOR search on disk (papaya explore --checkpoint FILE, --resume FILE; docs/
// explore.md "Checkpoints"): CBOR (nlohmann::json::to_cbor) of the format's name and version, the
// search it belongs to (`target`: what is explored and every option that changes the tree), and
// the Checkpoint. Written to FILE.tmp and renamed, so a search killed while saving leaves the
// previous checkpoint whole.
#pragma once

#include <optional>
#include <string>

#include "explore/explorer.hpp"

namespace papaya::explore {

// False, with `error` set, when the file cannot be written.
bool write_checkpoint(const std::string& path, const std::string& target, const Checkpoint& k,
                      std::string& error);
// The checkpoint in `path`; nullopt, with `error` saying why, when the file cannot be read, is not
// a papaya checkpoint (or a damaged one), or belongs to another search than `target`.
std::optional<Checkpoint> read_checkpoint(const std::string& path, const std::string& target,
                                          std::string& error);

}  // namespace papaya::explore
