#include "chat/server.hpp"

#include <fmt/format.h>

#include "chat/goroutine/goroutine_server.hpp"
#include "chat/process/process_server.hpp"

namespace papaya::chat {

int run_server(Os& os, const ServerConfig& cfg, Fd listener) {
  if (!design_has(cfg.design, cfg.variant)) {
    os.log(LogLevel::error, fmt::format("server: variant {} is not one of design {}'s ({})",
                                        variant_name(cfg.variant), design_name(cfg.design),
                                        variant_names(cfg.design)));
    return 2;
  }
  switch (cfg.design) {
    case Design::process: return run_process_server(os, cfg, listener);
    case Design::goroutine: return run_goroutine_server(os, cfg, listener);
  }
  return 2;
}

}  // namespace papaya::chat
