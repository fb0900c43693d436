// Human-readable rendering of the structured descriptions in issue/inspect.h (like `openssl x509 -text`).
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

namespace pkitool::cli {

void render(std::ostream& out, const nlohmann::json& description);

}  // namespace pkitool::cli
