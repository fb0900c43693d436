// Snapshots of the control plane's state, CreateSession's views of them, and seeding from a configuration.
#include "exchange/emulator/control_state.h"

#include "exchange/arn.h"
#include "exchange/emulator/state_store.h"
#include "exchange/emulator/subject_log.h"
#include "issue/random.h"

#include <botan/hex.h>

namespace pkitool::exchange {

namespace {

// The id part of an ARN the configuration made (…:trust-anchor/<id>).
std::string id_of(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

std::string pem_of(const std::vector<Botan::X509_Certificate>& certs) {
    std::string out;
    for (const auto& c : certs) out += c.PEM_encode();
    return out;
}

// CreateSession's views: an anchor with the CRLs that are enabled and name it, a profile as it stands.
void rebuild_views(ControlSnapshot& s) {
    s.anchor_views.clear();
    s.profile_views.clear();
    for (const auto& a : ControlSnapshot::in_order(s.anchors)) {
        auto v = std::make_shared<TrustAnchor>();
        v->name = a->name;
        v->arn = s.anchor_arn(*a);
        v->enabled = a->enabled;
        v->certificates = a->certificates;
        for (const auto& c : ControlSnapshot::in_order(s.crls))
            if (c->enabled && c->trust_anchor_arn == v->arn) v->crls.push_back(c->crl);
        s.anchor_views[v->arn] = std::move(v);
    }
    for (const auto& [id, p] : s.profiles) {
        auto v = std::make_shared<EmulatedProfile>();
        v->name = p->name;
        v->arn = s.profile_arn(*p);
        v->enabled = p->enabled;
        v->role_arns = p->role_arns;
        v->duration_seconds = p->duration_seconds;
        v->accept_role_session_name = p->accept_role_session_name;
        v->attribute_mappings = p->attribute_mappings;
        s.profile_views[v->arn] = std::move(v);
    }
}

}  // namespace

std::string crl_arn(const std::string& region, const std::string& account, const std::string& id) {
    return "arn:aws:rolesanywhere:" + region + ":" + account + ":crl/" + id;
}

std::string ControlSnapshot::anchor_arn(const AnchorResource& a) const { return trust_anchor_arn(region, account, a.id); }
std::string ControlSnapshot::profile_arn(const ProfileResource& p) const { return exchange::profile_arn(region, account, p.id); }
std::string ControlSnapshot::crl_arn(const CrlResource& c) const { return exchange::crl_arn(region, account, c.id); }

bool ControlSnapshot::has_resource(const std::string& arn) const {
    if (anchor_views.count(arn) || profile_views.count(arn)) return true;
    for (const auto& [id, c] : crls)
        if (crl_arn(*c) == arn) return true;
    return false;
}

std::string random_uuid() {
    std::vector<uint8_t> b(16);
    issue::rng().randomize(b.data(), b.size());
    b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // the RFC variant
    const auto h = Botan::hex_encode(b, false);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::unique_ptr<ControlState> open_control_state(const std::optional<std::filesystem::path>& path) {
    return std::make_unique<ControlState>(path ? StateStore::open(*path) : nullptr);
}

ControlState::ControlState() : ControlState(nullptr) {}

std::vector<NotificationSetting> default_notification_settings() {
    return {NotificationSetting{.event = "CA_CERTIFICATE_EXPIRY"}, NotificationSetting{.event = "END_ENTITY_CERTIFICATE_EXPIRY"}};
}

ControlState::ControlState(std::unique_ptr<StateStore> store) : store_(std::move(store)), subjects_(std::make_unique<SubjectLog>(store_.get())) {
    auto s = std::make_shared<ControlSnapshot>(store_ ? store_->load() : ControlSnapshot{});
    rebuild_views(*s);
    current_ = std::move(s);
}

ControlState::~ControlState() = default;

std::shared_ptr<const ControlSnapshot> ControlState::snapshot() const {
    std::lock_guard lock(read_mutex_);
    return current_;
}

void ControlState::commit(std::shared_ptr<ControlSnapshot> next) {
    rebuild_views(*next);
    if (store_) store_->save(*snapshot(), *next);  // throws before anything is visible
    std::lock_guard lock(read_mutex_);
    current_ = std::move(next);
}

void ControlState::initialize(const EmulatorConfig& seed, Timestamp now) {
    modify([&](ControlSnapshot& s) {
        if (s.initialized) return;
        s.initialized = true;
        s.region = seed.region;
        s.account = seed.account;
        s.administrator = make_administrator(seed.account);
        for (const auto& r : seed.roles) s.roles[r.arn] = std::make_shared<EmulatedRole>(r);
        for (const auto& a : seed.anchors) {
            auto r = std::make_shared<AnchorResource>();
            r->id = id_of(a.arn);
            r->name = a.name;
            r->enabled = a.enabled;
            r->source_type = "CERTIFICATE_BUNDLE";
            r->certificate_data = pem_of(a.certificates);
            r->certificates = a.certificates;
            r->created_at = r->updated_at = now;
            r->order = s.next_order++;
            for (size_t i = 0; i < a.crls.size(); ++i) {
                auto c = std::make_shared<CrlResource>();
                c->id = stable_uuid("crl/" + a.arn + "/" + std::to_string(i));
                c->name = a.name + "-crl-" + std::to_string(i + 1);
                c->enabled = true;
                c->trust_anchor_arn = a.arn;
                const auto pem = a.crls[i].PEM_encode();
                c->data.assign(pem.begin(), pem.end());
                c->crl = a.crls[i];
                c->created_at = c->updated_at = now;
                c->order = s.next_order++;
                s.crls[c->id] = std::move(c);
            }
            s.anchors[r->id] = std::move(r);
        }
        for (const auto& p : seed.profiles) {
            auto r = std::make_shared<ProfileResource>();
            r->id = id_of(p.arn);
            r->name = p.name;
            r->enabled = p.enabled;
            r->role_arns = p.role_arns;
            r->duration_seconds = p.duration_seconds;
            r->accept_role_session_name = p.accept_role_session_name;
            r->attribute_mappings = p.attribute_mappings;
            r->created_by = s.administrator->arn;
            r->created_at = r->updated_at = now;
            r->order = s.next_order++;
            s.profiles[r->id] = std::move(r);
        }
    });
}

std::string ControlState::account() const { return snapshot()->account; }

std::shared_ptr<const TrustAnchor> ControlState::anchor(const std::string& arn) const {
    auto s = snapshot();
    const auto it = s->anchor_views.find(arn);
    return it == s->anchor_views.end() ? nullptr : it->second;
}

std::shared_ptr<const EmulatedProfile> ControlState::profile(const std::string& arn) const {
    auto s = snapshot();
    const auto it = s->profile_views.find(arn);
    return it == s->profile_views.end() ? nullptr : it->second;
}

std::shared_ptr<const EmulatedRole> ControlState::role(const std::string& arn) const {
    auto s = snapshot();
    const auto it = s->roles.find(arn);
    return it == s->roles.end() ? nullptr : it->second;
}

}  // namespace pkitool::exchange
