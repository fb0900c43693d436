// Where CreateSession looks up the trust anchor, profile and role a request names: the control
// plane's live state, or a fixed configuration (unit tests, benchmarks). Each answer is a snapshot
// that the request keeps until it is decided, while the control plane changes the state beside it.
#pragma once

#include "exchange/emulator/config.h"

#include <memory>
#include <string>

namespace pkitool::exchange {

class ResourceDirectory {
public:
    virtual ~ResourceDirectory() = default;
    virtual std::string account() const = 0;
    // Null when there is no resource with exactly this ARN. An anchor carries its enabled CRLs.
    virtual std::shared_ptr<const TrustAnchor> anchor(const std::string& arn) const = 0;
    virtual std::shared_ptr<const EmulatedProfile> profile(const std::string& arn) const = 0;
    virtual std::shared_ptr<const EmulatedRole> role(const std::string& arn) const = 0;
};

// A configuration read as it is at each lookup. Not safe against changes made while requests run:
// a test changes it between requests.
class ConfigDirectory : public ResourceDirectory {
public:
    explicit ConfigDirectory(const EmulatorConfig& config) : config_(config) {}
    std::string account() const override { return config_.account; }
    std::shared_ptr<const TrustAnchor> anchor(const std::string& arn) const override { return borrowed(config_.find_anchor(arn)); }
    std::shared_ptr<const EmulatedProfile> profile(const std::string& arn) const override { return borrowed(config_.find_profile(arn)); }
    std::shared_ptr<const EmulatedRole> role(const std::string& arn) const override { return borrowed(config_.find_role(arn)); }

private:
    // A pointer that owns nothing: the configuration outlives every request.
    template <typename T>
    static std::shared_ptr<const T> borrowed(const T* p) {
        return std::shared_ptr<const T>(std::shared_ptr<const T>(), p);
    }
    const EmulatorConfig& config_;
};

}  // namespace pkitool::exchange
