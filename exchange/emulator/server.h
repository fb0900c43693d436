// The local IAM Roles Anywhere + STS endpoint over HTTP on 127.0.0.1: routes POST /sessions to the
// SessionVerifier and POST / to the StsVerifier, within fixed resource bounds.
#pragma once

#include "exchange/emulator/config.h"

#include <ctime>
#include <functional>
#include <memory>
#include <string>

namespace pkitool::exchange {

struct ServerLimits {
    size_t max_body_bytes = 64 * 1024;  // CreateSession and GetCallerIdentity bodies are tiny
    time_t read_timeout_seconds = 5;    // a slow or stalled client cannot hold a worker longer
    time_t write_timeout_seconds = 5;
    size_t threads = 8;
};

// One line per request, without secrets: "POST /sessions 403 AccessDeniedException: ...".
using RequestLog = std::function<void(const std::string&)>;

class EmulatorServer {
public:
    EmulatorServer(EmulatorConfig config, ServerLimits limits = {}, RequestLog log = {});
    ~EmulatorServer();
    EmulatorServer(const EmulatorServer&) = delete;
    EmulatorServer& operator=(const EmulatorServer&) = delete;

    // Binds 127.0.0.1:port (0: any free port) and returns the port; Error when it cannot.
    int bind(int port);
    std::string url() const;  // "http://127.0.0.1:PORT"
    const EmulatorConfig& config() const;
    // Serves until stop() is called (from another thread).
    void run();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pkitool::exchange
