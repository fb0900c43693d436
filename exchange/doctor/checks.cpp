// The doctor's checks, each from the engine that decides the same thing elsewhere.
#include "exchange/doctor/checks.h"

#include "exchange/arn.h"
#include "profiles/lint.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <ctime>
#include <initializer_list>

namespace pkitool::exchange::doctor {

namespace {

Check ok(std::string id, std::string message) { return {std::move(id), Status::Ok, std::move(message), ""}; }
Check fail(std::string id, std::string message, std::string fix) { return {std::move(id), Status::Fail, std::move(message), std::move(fix)}; }
Check skip(std::string id, std::string why) { return {std::move(id), Status::Skip, std::move(why), ""}; }

// The findings' errors as one message: "rule: message; rule: message".
std::string errors_of(const std::vector<profiles::Finding>& findings, std::string& fix) {
    std::vector<std::string> parts;
    for (const auto& f : findings) {
        if (f.severity != profiles::Severity::Error) continue;
        parts.push_back(f.certificate + ": " + f.message + " [" + f.rule + "]");
        if (fix.empty()) fix = f.fix;
    }
    return fmt::format("{}", fmt::join(parts, "; "));
}

bool starts(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

std::vector<Check> local_checks(const Presented& p, std::chrono::system_clock::time_point now) {
    std::vector<Check> out;
    // The key signs what the certificate's public key must verify (SigV4-X509).
    if (p.key_problem.empty()) out.push_back(ok("key.matches-certificate", "the private key is the certificate's"));
    else out.push_back(fail("key.matches-certificate", p.key_problem, "give the key the certificate was issued for, or issue a certificate for this key"));

    // The leaf and the chain as lint judges them, without anchors: trust is the set-up's check.
    std::string fix;
    const auto findings = profiles::lint_chain(p.leaf, p.intermediates, {}, {}, now);
    const auto errors = errors_of(findings, fix);
    if (errors.empty()) out.push_back(ok("certificate.lint", "the certificate and chain meet the Roles Anywhere client rules"));
    else out.push_back(fail("certificate.lint", errors, fix));

    std::optional<Arn> anchor, profile, role;
    std::vector<std::string> bad;
    const auto parse = [&](const std::string& text, ArnType type, const char* what, std::optional<Arn>& into) {
        try {
            into = Arn::parse(text, type);
        } catch (const std::exception& e) {
            bad.push_back(std::string(what) + " \"" + text + "\": " + e.what());
        }
    };
    parse(p.trust_anchor_arn, ArnType::TrustAnchor, "trust anchor ARN", anchor);
    parse(p.profile_arn, ArnType::Profile, "profile ARN", profile);
    parse(p.role_arn, ArnType::Role, "role ARN", role);
    if (bad.empty()) out.push_back(ok("arns.well-formed", "the trust anchor, profile and role ARNs are well-formed"));
    else out.push_back(fail("arns.well-formed", fmt::format("{}", fmt::join(bad, "; ")), "copy the ARNs as the console or the CLI prints them"));

    if (!anchor || !profile || !role) {
        out.push_back(skip("arns.same-region-account", "an ARN is malformed"));
        out.push_back(skip("arns.region", "an ARN is malformed"));
        return out;
    }
    // Roles Anywhere API Reference, CreateSession: the anchor and profile are one account's, in
    // one region; the role is assumed in that account.
    if (anchor->region != profile->region || anchor->account != profile->account || role->account != anchor->account)
        out.push_back(fail("arns.same-region-account",
                           fmt::format("trust anchor {}/{}, profile {}/{}, role account {}", anchor->region, anchor->account, profile->region,
                                       profile->account, role->account),
                           "use a trust anchor, profile and role of one account, the anchor and profile in one region"));
    else out.push_back(ok("arns.same-region-account", "one account (" + anchor->account + "), one region (" + anchor->region + ")"));
    if (!p.region.empty() && p.region != anchor->region)
        out.push_back(fail("arns.region", "the session is asked for in " + p.region + " but the trust anchor is in " + anchor->region,
                           "ask in the trust anchor's region, or use an anchor and profile made in " + p.region));
    else out.push_back(ok("arns.region", "the session is asked for in the trust anchor's region, " + anchor->region));
    return out;
}

Check clock_check(const std::optional<std::string>& date_header, std::chrono::system_clock::time_point now) {
    if (!date_header) return skip("clock.skew", "the endpoint sent no Date header");
    std::tm tm{};
    // IMF-fixdate, the only form a server may send (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
    if (!strptime(date_header->c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return skip("clock.skew", "the endpoint's Date header \"" + *date_header + "\" is not an HTTP date");
    const auto theirs = std::chrono::system_clock::from_time_t(timegm(&tm));
    const auto skew = std::chrono::duration_cast<std::chrono::seconds>(now - theirs);
    const auto abs = skew < std::chrono::seconds(0) ? -skew : skew;
    const std::string shown = skew.count() == 0 ? std::string("this machine's clock agrees with the endpoint's, to the second")
                                                : fmt::format("this machine's clock is {} s {} the endpoint's", abs.count(), skew.count() > 0 ? "ahead of" : "behind");
    if (abs > std::chrono::minutes(5)) return fail("clock.skew", shown, "synchronise the clock (systemd-timesyncd or chrony): signatures more than 5 minutes off are refused");
    return ok("clock.skew", shown);
}

std::vector<Check> setup_checks(const Presented& p, const Setup& s, std::chrono::system_clock::time_point now) {
    std::vector<Check> out;
    // A resource the control plane does not have fails its first check; the rest cannot be judged.
    const auto absent = [&](std::initializer_list<const char*> ids, const std::string& noun, const std::string& arn, const std::string& fix) {
        auto id = ids.begin();
        if (s.looked_up) out.push_back(fail(*id++, s.source + " has no " + noun + " " + arn, fix));
        for (; id != ids.end(); ++id) out.push_back(skip(*id, "the " + noun + " is not known"));
    };
    if (!s.anchor) {
        absent({"anchor.enabled", "anchor.reaches", "crl.not-revoked"}, "trust anchor", p.trust_anchor_arn,
               "create the trust anchor, or give the ARN that create-trust-anchor printed");
    } else {
        if (s.anchor->enabled) out.push_back(ok("anchor.enabled", "the trust anchor is enabled"));
        else out.push_back(fail("anchor.enabled", "the trust anchor is disabled", "enable the trust anchor"));
        // The same path engine as `lint --chain --anchor` and the emulator's CreateSession.
        const auto findings = profiles::lint_chain(p.leaf, p.intermediates, s.anchor->certificates, s.crls, now);
        std::vector<profiles::Finding> chain, revoked;
        for (const auto& f : findings) {
            if (f.rule == "ra.crl.revoked") revoked.push_back(f);
            else if (starts(f.rule, "ra.chain.")) chain.push_back(f);
        }
        std::string fix;
        const auto chain_errors = errors_of(chain, fix);
        if (chain_errors.empty()) out.push_back(ok("anchor.reaches", "the chain reaches the trust anchor's bundle"));
        else out.push_back(fail("anchor.reaches", chain_errors, fix));
        fix.clear();
        const auto revoked_errors = errors_of(revoked, fix);
        if (s.crls.empty()) out.push_back(skip("crl.not-revoked", "no enabled CRL is imported for the trust anchor"));
        else if (revoked_errors.empty()) out.push_back(ok("crl.not-revoked", "no imported CRL revokes the certificate or its chain"));
        else out.push_back(fail("crl.not-revoked", revoked_errors, fix));
    }

    if (!s.profile) {
        absent({"profile.enabled", "profile.lists-role"}, "profile", p.profile_arn, "create the profile, or give the ARN that create-profile printed");
    } else {
        if (s.profile->enabled) out.push_back(ok("profile.enabled", "profile \"" + s.profile->name + "\" is enabled"));
        else out.push_back(fail("profile.enabled", "profile \"" + s.profile->name + "\" is disabled", "enable the profile"));
        const auto& roles = s.profile->role_arns;
        if (std::find(roles.begin(), roles.end(), p.role_arn) != roles.end()) out.push_back(ok("profile.lists-role", "the profile lists the role"));
        else
            out.push_back(fail("profile.lists-role", fmt::format("the profile lists {}, not {}", fmt::join(roles, ", "), p.role_arn),
                               "add the role to the profile's role ARNs, or ask for one it lists"));
    }

    if (!s.role) {
        absent({"trust-policy.actions", "trust-policy.conditions"}, "role", p.role_arn, "create the role, or give the ARN that create-role printed");
    } else {
        const auto mappings = s.profile ? s.profile->mappings : default_attribute_mappings();
        const auto verdict = s.role->trust_policy.evaluate(trust_request(p.leaf, mappings, p.trust_anchor_arn));
        const bool conditions_held = verdict.refusal != TrustRefusal::ConditionUnmet;
        if (verdict.refusal == TrustRefusal::None || verdict.refusal == TrustRefusal::ConditionUnmet)
            out.push_back(ok("trust-policy.actions", "the trust policy allows rolesanywhere.amazonaws.com the three actions"));
        else if (verdict.refusal == TrustRefusal::ExplicitDeny)
            out.push_back(fail("trust-policy.actions", verdict.reason, "narrow or remove the Deny statement, or change what its condition matches"));
        else out.push_back(fail("trust-policy.actions", verdict.reason, "allow sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession to rolesanywhere.amazonaws.com"));
        std::vector<std::string> shown;
        for (const auto& c : verdict.conditions)
            shown.push_back(fmt::format("{} {} {} {} (the certificate gives {})", c.held ? "held:" : "failed:", c.op, c.key, fmt::join(c.values, "|"),
                                        c.actual ? "\"" + *c.actual + "\"" : std::string("no value")));
        if (conditions_held) out.push_back(ok("trust-policy.conditions", shown.empty() ? "the trust policy has no conditions" : fmt::format("{}", fmt::join(shown, "; "))));
        else out.push_back(fail("trust-policy.conditions", fmt::format("{}", fmt::join(shown, "; ")), "change the condition, the attribute mappings, or the certificate's subject"));
    }

    // The session lasts the least of the request's, the profile's and the role's maximum.
    if (!s.profile && !s.role) out.push_back(skip("duration.bounds", "neither the profile nor the role is known"));
    else {
        const int profile_max = s.profile ? s.profile->duration_seconds : 43200;
        const int role_max = s.role ? s.role->max_session_duration : 43200;
        const int granted = std::min({static_cast<int>(p.duration_seconds), profile_max, role_max});
        if (p.duration_seconds < 900 || p.duration_seconds > 43200)
            out.push_back(fail("duration.bounds", fmt::format("{} s is outside 900..43200", p.duration_seconds), "ask for 900 to 43200 seconds"));
        else if (granted < static_cast<int>(p.duration_seconds))
            out.push_back(ok("duration.bounds", fmt::format("{} s asked, {} s granted (profile {} s, role {} s)", p.duration_seconds, granted, profile_max, role_max)));
        else out.push_back(ok("duration.bounds", fmt::format("{} s", granted)));
    }
    return out;
}

bool all_ok(const std::vector<Check>& checks) {
    return std::none_of(checks.begin(), checks.end(), [](const Check& c) { return c.status == Status::Fail; });
}

}  // namespace pkitool::exchange::doctor
