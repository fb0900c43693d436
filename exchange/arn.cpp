// ARN parsing and the shapes of the ARNs the emulator hands out.
#include "exchange/arn.h"

#include "exchange/sigv4.h"

namespace pkitool::exchange {

std::optional<Arn> Arn::parse(const std::string& text) {
    Arn a;
    std::string* fields[] = {&a.partition, &a.service, &a.region, &a.account};
    if (text.rfind("arn:", 0) != 0) return std::nullopt;
    size_t pos = 4;
    for (auto* f : fields) {
        const auto colon = text.find(':', pos);
        if (colon == std::string::npos) return std::nullopt;
        *f = text.substr(pos, colon - pos);
        pos = colon + 1;
    }
    a.resource = text.substr(pos);
    if (a.partition.empty() || a.service.empty() || a.resource.empty()) return std::nullopt;
    return a;
}

std::string Arn::to_string() const { return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource; }

std::string Arn::resource_type() const { return resource.substr(0, resource.find('/')); }

std::string trust_anchor_arn(const std::string& region, const std::string& account, const std::string& id) {
    return "arn:aws:rolesanywhere:" + region + ":" + account + ":trust-anchor/" + id;
}

std::string profile_arn(const std::string& region, const std::string& account, const std::string& id) {
    return "arn:aws:rolesanywhere:" + region + ":" + account + ":profile/" + id;
}

std::string role_arn(const std::string& account, const std::string& name) { return "arn:aws:iam::" + account + ":role/" + name; }

std::string stable_uuid(const std::string& seed) {
    const std::string h = sha256_hex("pkitool-emulate/" + seed);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

}  // namespace pkitool::exchange
