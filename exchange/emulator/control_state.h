// The Roles Anywhere control plane's resources (trust anchors, profiles, CRLs and their tags) and
// the roles a session may assume, as one immutable snapshot: CreateSession reads the current one,
// each change replaces it whole, so a request never sees half a change and a change (a disabled
// profile, an imported CRL) counts from the next request on. With a StateStore every change is
// committed to SQLite before it becomes visible.
#pragma once

#include "exchange/emulator/attribute_mapping.h"
#include "exchange/emulator/directory.h"
#include "exchange/emulator/issued_credentials.h"

#include <botan/x509_crl.h>
#include <botan/x509cert.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::exchange {

class StateStore;
class SubjectLog;

using Timestamp = std::chrono::system_clock::time_point;

struct Tag {
    std::string key, value;
    bool operator==(const Tag&) const = default;
};

// A trust anchor's NotificationSettingDetail (IAM Roles Anywhere API Reference): what the service
// would notify about and when. Stored and returned; the emulator sends no notifications.
struct NotificationSetting {
    std::string event;  // CA_CERTIFICATE_EXPIRY | END_ENTITY_CERTIFICATE_EXPIRY
    std::string channel = "ALL";
    bool enabled = true;
    int threshold = 45;  // days before expiry
    std::string configured_by = kNotificationDefaultsBy;  // or the account id, once Put
    bool operator==(const NotificationSetting&) const = default;

    static constexpr const char* kNotificationDefaultsBy = "rolesanywhere.amazonaws.com";
};

// What every new trust anchor has, and what ResetNotificationSettings restores (Roles Anywhere
// User Guide, "Notifications": both events, 45 days, on every channel).
std::vector<NotificationSetting> default_notification_settings();

// The fields of the API's TrustAnchorDetail, ProfileDetail and CrlDetail (IAM Roles Anywhere API
// Reference, "Data Types"), plus what the emulator derives from them.
struct AnchorResource {
    std::string id, name;
    bool enabled = false;
    std::string source_type;                            // CERTIFICATE_BUNDLE
    std::string certificate_data;                       // the PEM bundle as it was sent
    std::vector<Botan::X509_Certificate> certificates;  // parsed from it
    std::vector<NotificationSetting> notification_settings = default_notification_settings();
    Timestamp created_at, updated_at;
    int64_t order = 0;  // creation order, which lists follow
};

struct ProfileResource {
    std::string id, name;
    bool enabled = false;
    std::vector<std::string> role_arns, managed_policy_arns;
    std::optional<std::string> session_policy;
    int duration_seconds = 3600;
    bool require_instance_properties = false;
    bool accept_role_session_name = false;
    AttributeMappings attribute_mappings = default_attribute_mappings();
    std::string created_by;
    Timestamp created_at, updated_at;
    int64_t order = 0;
};

struct CrlResource {
    std::string id, name;
    bool enabled = false;
    std::string trust_anchor_arn;
    std::vector<uint8_t> data;  // the bytes imported (the AWS CLI sends a PEM file's)
    Botan::X509_CRL crl;        // parsed from them
    Timestamp created_at, updated_at;
    int64_t order = 0;
};

std::string crl_arn(const std::string& region, const std::string& account, const std::string& id);

struct ControlSnapshot {
    std::string region, account;
    bool initialized = false;                    // initialize() ran (in this run or, with a store, an earlier one)
    std::optional<Administrator> administrator;  // made by initialize()
    std::map<std::string, std::shared_ptr<const AnchorResource>> anchors;  // by id
    std::map<std::string, std::shared_ptr<const ProfileResource>> profiles;
    std::map<std::string, std::shared_ptr<const CrlResource>> crls;
    std::map<std::string, std::vector<Tag>> tags;                       // by resource ARN, in the order they were added
    std::map<std::string, std::shared_ptr<const EmulatedRole>> roles;  // by ARN
    int64_t next_order = 1;

    std::string anchor_arn(const AnchorResource& a) const;
    std::string profile_arn(const ProfileResource& p) const;
    std::string crl_arn(const CrlResource& c) const;
    // Which resource `arn` names, for the tagging operations: false when none.
    bool has_resource(const std::string& arn) const;
    // The resources in creation order.
    template <typename T>
    static std::vector<std::shared_ptr<const T>> in_order(const std::map<std::string, std::shared_ptr<const T>>& by_id);

    // CreateSession's views of the resources, by ARN; ControlState rebuilds them after each change.
    std::map<std::string, std::shared_ptr<const TrustAnchor>> anchor_views;
    std::map<std::string, std::shared_ptr<const EmulatedProfile>> profile_views;
};

class ControlState : public ResourceDirectory {
public:
    // In memory only: a restart forgets it.
    ControlState();
    // Loaded from `store`, and every change written to it before it is visible (none: in memory).
    explicit ControlState(std::unique_ptr<StateStore> store);
    ~ControlState() override;
    ControlState(const ControlState&) = delete;
    ControlState& operator=(const ControlState&) = delete;

    std::shared_ptr<const ControlSnapshot> snapshot() const;

    // Runs `change` on a copy of the current snapshot and makes the copy current: one change at a
    // time, all of it or (when `change` or the store throws) none of it.
    template <typename Change>
    void modify(Change&& change) {
        std::lock_guard lock(write_mutex_);
        auto next = std::make_shared<ControlSnapshot>(*snapshot());
        change(*next);
        commit(std::move(next));
    }

    // The first start of a state: region, account, a new administrator, and the trust anchors
    // (with their CRLs), profiles and roles of `seed`, with the ids in their ARNs and enabled as
    // the seed says. One change; a state that is already initialized keeps what it holds.
    void initialize(const EmulatorConfig& seed, Timestamp now);
    bool initialized() const { return snapshot()->initialized; }

    // Who called CreateSession (ListSubjects, GetSubject): kept in the same store, apart from the snapshot.
    SubjectLog& subjects() const { return *subjects_; }

    // ResourceDirectory
    std::string account() const override;
    std::shared_ptr<const TrustAnchor> anchor(const std::string& arn) const override;
    std::shared_ptr<const EmulatedProfile> profile(const std::string& arn) const override;
    std::shared_ptr<const EmulatedRole> role(const std::string& arn) const override;

private:
    void commit(std::shared_ptr<ControlSnapshot> next);

    std::unique_ptr<StateStore> store_;
    std::unique_ptr<SubjectLog> subjects_;
    std::mutex write_mutex_;
    mutable std::mutex read_mutex_;  // guards current_ itself (a pointer swap), never held for long
    std::shared_ptr<const ControlSnapshot> current_;
};

template <typename T>
std::vector<std::shared_ptr<const T>> ControlSnapshot::in_order(const std::map<std::string, std::shared_ptr<const T>>& by_id) {
    std::vector<std::shared_ptr<const T>> out;
    out.reserve(by_id.size());
    for (const auto& [id, r] : by_id) out.push_back(r);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->order < b->order; });
    return out;
}

// The state `emulate` runs on: in memory without a path; else kept in that SQLite file, created
// (0600) when missing. Not initialized when new: the caller seeds it. Error naming the file when it
// cannot be used (StateStore::open).
std::unique_ptr<ControlState> open_control_state(const std::optional<std::filesystem::path>& path);

// The random UUID (RFC 9562 version 4, lowercase) of a new resource.
std::string random_uuid();

}  // namespace pkitool::exchange
