// Subjects of CreateSession callers, bounded, kept beside the control plane's state.
#include "exchange/emulator/subject_log.h"

#include "exchange/arn.h"
#include "exchange/emulator/state_store.h"
#include "issue/subject.h"

#include <botan/bigint.h>

#include <algorithm>

namespace pkitool::exchange {

std::string subject_id(const std::string& x509_subject) { return stable_uuid("subject/" + x509_subject); }

SubjectLog::SubjectLog(StateStore* store) : store_(store) {
    if (!store_) return;
    for (auto& s : store_->load_subjects()) {
        next_order_ = std::max(next_order_, s.order + 1);
        auto id = s.id;
        by_id_[id] = std::make_shared<const SubjectResource>(std::move(s));
    }
}

void SubjectLog::record(const Botan::X509_Certificate& leaf, bool failed, Timestamp now) {
    const std::string dn = issue::Subject::from(leaf.subject_dn()).to_string();
    SubjectCredential seen{Botan::BigInt(leaf.serial_number()).to_dec_string(), issue::format_dn(leaf.issuer_dn()), leaf.PEM_encode(), now, failed};
    std::lock_guard lock(mutex_);
    const std::string id = subject_id(dn);
    auto next = std::make_shared<SubjectResource>();
    const auto it = by_id_.find(id);
    if (it != by_id_.end()) *next = *it->second;
    else {
        next->id = id;
        next->x509_subject = dn;
        next->created_at = now;
        next->order = next_order_++;
    }
    next->updated_at = next->last_seen_at = now;
    auto& creds = next->credentials;
    std::erase_if(creds, [&](const SubjectCredential& c) { return c.serial_number == seen.serial_number && c.issuer == seen.issuer; });
    creds.insert(creds.begin(), std::move(seen));
    if (creds.size() > SubjectResource::kMaxCredentials) creds.resize(SubjectResource::kMaxCredentials);
    std::optional<std::string> evicted;
    if (it == by_id_.end() && by_id_.size() >= kMaxSubjects) {
        const auto oldest = std::min_element(by_id_.begin(), by_id_.end(), [](const auto& a, const auto& b) { return a.second->last_seen_at < b.second->last_seen_at; });
        evicted = oldest->first;
    }
    if (store_) store_->save_subject(*next, evicted);  // throws before anything is visible
    if (evicted) by_id_.erase(*evicted);
    by_id_[id] = std::move(next);
}

std::vector<std::shared_ptr<const SubjectResource>> SubjectLog::in_order() const {
    std::lock_guard lock(mutex_);
    return ControlSnapshot::in_order(by_id_);
}

std::shared_ptr<const SubjectResource> SubjectLog::find(const std::string& id) const {
    std::lock_guard lock(mutex_);
    const auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
}

}  // namespace pkitool::exchange
