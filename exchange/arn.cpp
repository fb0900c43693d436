// The ARN grammar and the shapes of the ARNs the emulator hands out.
#include "exchange/arn.h"

#include "base/error.h"
#include "exchange/sigv4.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace pkitool::exchange {

std::string to_string(ArnType type) {
    switch (type) {
        case ArnType::TrustAnchor: return "trust-anchor";
        case ArnType::Profile: return "profile";
        case ArnType::Role: return "role";
    }
    return "";
}

namespace {

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string_view service_of(ArnType type) {
    switch (type) {
        case ArnType::TrustAnchor:
        case ArnType::Profile: return "rolesanywhere";
        case ArnType::Role: return "iam";
    }
    return "";
}

std::optional<ArnType> type_named(std::string_view name) {
    for (const auto t : {ArnType::TrustAnchor, ArnType::Profile, ArnType::Role})
        if (to_string(t) == name) return t;
    return std::nullopt;
}

bool lower_alnum_dash(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '-'; });
}

// The grammar itself; `want`, when given, is checked as soon as its field is read, so a role ARN
// passed for a profile says "service" rather than "no region".
Arn parse_arn(std::string_view text, std::optional<ArnType> want) {
    if (text.substr(0, 4) != "arn:") throw Error("not an ARN: it does not start with \"arn:\"");
    Arn a;
    // The resource is the rest after the fifth colon; none of our three kinds has a colon in it.
    std::string* fields[] = {&a.partition, &a.service, &a.region, &a.account};
    const char* next[] = {"service", "region", "account", "resource"};
    size_t pos = 4;
    for (size_t i = 0; i < 4; ++i) {
        const auto colon = text.find(':', pos);
        if (colon == std::string_view::npos)
            throw Error(std::string("no ") + next[i] + " field: an ARN is arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE");
        *fields[i] = std::string(text.substr(pos, colon - pos));
        pos = colon + 1;
    }
    const std::string_view resource = text.substr(pos);

    // Partitions: "aws", "aws-cn", "aws-us-gov", … (the service's ARN pattern is arn:aws(-[^:]+)?:…).
    if (a.partition != "aws" && !(a.partition.size() > 4 && a.partition.rfind("aws-", 0) == 0 && lower_alnum_dash(a.partition)))
        throw Error("partition " + in_quotes(a.partition) + " is not aws, aws-cn, aws-us-gov or another aws-… partition");
    if (want && a.service != service_of(*want)) throw Error("service " + in_quotes(a.service) + " is not " + std::string(service_of(*want)));
    if (a.service != "rolesanywhere" && a.service != "iam")
        throw Error("service " + in_quotes(a.service) + " is not rolesanywhere (trust anchors, profiles) or iam (roles)");
    if (a.service == "iam") {
        if (!a.region.empty()) throw Error("region " + in_quotes(a.region) + " must be empty: IAM is global");
    } else {
        if (a.region.empty()) throw Error("no region");
        if (!lower_alnum_dash(a.region)) throw Error("region " + in_quotes(a.region) + " does not look like us-east-1");
    }
    if (a.account.empty()) throw Error("no account");
    if (a.account.size() != 12 || !std::all_of(a.account.begin(), a.account.end(), [](unsigned char c) { return std::isdigit(c); }))
        throw Error("account " + in_quotes(a.account) + " is not 12 digits");

    if (resource.empty()) throw Error("no resource after the account");
    const auto slash = resource.find('/');
    const auto type_name = resource.substr(0, slash);
    const auto type = type_named(type_name);
    if (want && type != want) throw Error("resource type " + in_quotes(type_name) + " is not " + to_string(*want));
    if (!type || service_of(*type) != a.service)
        throw Error("resource type " + in_quotes(type_name) + " is not " + (a.service == "iam" ? "role" : "trust-anchor or profile"));
    a.type = *type;
    if (slash == std::string_view::npos || slash + 1 == resource.size()) throw Error("no id after \"" + std::string(type_name) + "/\"");
    a.id = std::string(resource.substr(slash + 1));
    if (a.type == ArnType::Role) {
        // role/NAME or role/PATH/NAME: every path component and the name are non-empty.
        if (a.id.front() == '/' || a.id.back() == '/' || a.id.find("//") != std::string::npos)
            throw Error("role " + in_quotes(a.id) + " has an empty path component or name");
    } else if (a.id.find('/') != std::string::npos) {
        throw Error(std::string(type_name) + " id " + in_quotes(a.id) + " has a \"/\"");
    }
    return a;
}

}  // namespace

Arn Arn::parse(std::string_view text) { return parse_arn(text, std::nullopt); }

Arn Arn::parse(std::string_view text, ArnType type) { return parse_arn(text, type); }

std::string Arn::to_string() const {
    return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + exchange::to_string(type) + "/" + id;
}

std::string Arn::role_name() const { return id.substr(id.rfind('/') + 1); }

std::string trust_anchor_arn(const std::string& region, const std::string& account, const std::string& id) {
    return Arn{"aws", "rolesanywhere", region, account, ArnType::TrustAnchor, id}.to_string();
}

std::string profile_arn(const std::string& region, const std::string& account, const std::string& id) {
    return Arn{"aws", "rolesanywhere", region, account, ArnType::Profile, id}.to_string();
}

std::string role_arn(const std::string& account, const std::string& name) { return Arn{"aws", "iam", "", account, ArnType::Role, name}.to_string(); }

std::string stable_uuid(const std::string& seed) {
    const std::string h = sha256_hex("pkitool-emulate/" + seed);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

}  // namespace pkitool::exchange
