// Environment variables set (or unset) for one test and restored after it, so a test of what a
// variable changes neither sees the developer's shell nor leaks into the next test.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::test {

class ScopedEnv {
public:
    // Unsets every one of `names` until destruction.
    explicit ScopedEnv(std::vector<std::string> names) {
        for (auto& n : names) {
            const char* v = std::getenv(n.c_str());
            saved_.push_back({n, v ? std::optional<std::string>(v) : std::nullopt});
            ::unsetenv(n.c_str());
        }
    }
    ~ScopedEnv() {
        for (const auto& s : saved_) {
            if (s.value) ::setenv(s.name.c_str(), s.value->c_str(), 1);
            else ::unsetenv(s.name.c_str());
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    // Sets one of the names given at construction.
    void set(const std::string& name, const std::string& value) const { ::setenv(name.c_str(), value.c_str(), 1); }

private:
    struct Saved {
        std::string name;
        std::optional<std::string> value;
    };
    std::vector<Saved> saved_;
};

}  // namespace pkitool::test
