// Credential JSON in the three shapes pkitool reads or writes.
#include "exchange/client/credentials.h"

#include "exchange/sigv4.h"

#include "issue/inspect.h"
#include "base/error.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <ctime>

namespace pkitool::exchange {

namespace {

std::string required_string(const nlohmann::json& j, const char* key, const std::string& what) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty())
        throw Error(what + ": missing \"" + key + "\"");
    return j[key].get<std::string>();
}

}  // namespace

Clock::time_point parse_rfc3339(const std::string& text, const std::string& what) {
    int y, mo, d, h, mi, s, consumed = 0;
    const auto bad = [&] { return Error(what + ": '" + text + "' is not an RFC 3339 timestamp"); };
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) != 6 || consumed != 19)
        throw bad();
    size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {  // fractional seconds: dropped (expiry granularity is seconds)
        ++pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    }
    long offset = 0;
    const std::string zone = text.substr(pos);
    if (zone == "Z" || zone == "z") {
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
        int oh, om;
        if (std::sscanf(zone.c_str() + 1, "%2d:%2d", &oh, &om) != 2) throw bad();
        offset = (zone[0] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    } else {
        throw bad();
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) throw bad();
    // system_clock counts nanoseconds in 64 bits: years past 2262 overflow it (found by fuzzing).
    if (y < 1970 || y > kLastYear) throw bad();
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return Clock::from_time_t(::timegm(&tm) - offset);
}

Credentials parse_create_session(const std::string& body) {
    const std::string what = "CreateSession response";
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception&) {
        throw Error(what + ": not JSON");
    }
    if (!j.is_object() || !j.contains("credentialSet") || !j["credentialSet"].is_array() || j["credentialSet"].empty())
        throw Error(what + ": missing \"credentialSet\"");
    const auto& set = j["credentialSet"][0];
    if (!set.is_object() || !set.contains("credentials")) throw Error(what + ": missing \"credentials\"");
    const auto& c = set["credentials"];
    Credentials out;
    out.access_key_id = required_string(c, "accessKeyId", what);
    out.secret_access_key = required_string(c, "secretAccessKey", what);
    out.session_token = required_string(c, "sessionToken", what);
    out.expiration_text = required_string(c, "expiration", what);
    out.expiration = parse_rfc3339(out.expiration_text, what + " expiration");
    if (set.contains("roleArn") && set["roleArn"].is_string()) out.role_arn = set["roleArn"].get<std::string>();
    return out;
}

std::string credential_process_json(const Credentials& c, ExpirationText expiration) {
    nlohmann::ordered_json j;  // ordered: the documented field order, byte for byte
    j["Version"] = 1;
    j["AccessKeyId"] = c.access_key_id;
    j["SecretAccessKey"] = c.secret_access_key;
    j["SessionToken"] = c.session_token;
    const bool as_received = expiration == ExpirationText::AsReceived && !c.expiration_text.empty();
    j["Expiration"] = as_received ? c.expiration_text : issue::rfc3339(c.expiration);
    return j.dump();
}

Credentials parse_credential_process_json(const std::string& text, const std::string& what) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {
        throw Error(what + ": not JSON");
    }
    if (!j.is_object() || !j.contains("Version") || !j["Version"].is_number_integer() || j["Version"].get<int>() != 1) throw Error(what + ": not a Version 1 credential document");
    Credentials c;
    c.access_key_id = required_string(j, "AccessKeyId", what);
    c.secret_access_key = required_string(j, "SecretAccessKey", what);
    c.session_token = required_string(j, "SessionToken", what);
    c.expiration = parse_rfc3339(required_string(j, "Expiration", what), what);
    return c;
}

}  // namespace pkitool::exchange
