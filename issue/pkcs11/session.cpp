#include "issue/pkcs11/session.h"

#include "base/error.h"
#include "base/files.h"

#include <botan/mem_ops.h>
#include <fmt/format.h>

#include <map>
#include <set>

namespace pkitool::issue::pkcs11 {

namespace {

std::string field(const CK_UTF8CHAR* p, size_t n) {
    std::string s(reinterpret_cast<const char*>(p), n);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    return s;
}

std::string describe(const CK_TOKEN_INFO& t, CK_SLOT_ID slot) {
    return fmt::format("'{}' (serial {}, slot {})", field(t.label, sizeof t.label), field(t.serialNumber, sizeof t.serialNumber), slot);
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// RFC 7512 §2.3: pin-source is a URI, "file:" the one scheme defined for it; a bare path is
// what p11-kit and OpenSSL's engine take too. Its first line is the PIN, as --pin-file's.
std::string pin_from_source(const std::string& source, const std::string& shown) {
    std::string path = source.starts_with("file:") ? source.substr(5) : source;
    if (path.starts_with("//")) {  // file://host/path (RFC 8089 §2): only the local host
        const size_t slash = path.find('/', 2);
        const std::string host = path.substr(2, slash == std::string::npos ? std::string::npos : slash - 2);
        if (!host.empty() && host != "localhost") throw Error(fmt::format("{}: pin-source names another host ({})", shown, host));
        path = slash == std::string::npos ? std::string() : path.substr(slash);
    }
    std::string pin;
    try {
        pin = files::read_text(path, 4096);
    } catch (const Error& e) {
        throw Error(fmt::format("{}: pin-source: {}", shown, e.what()));
    }
    if (const size_t nl = pin.find_first_of("\r\n"); nl != std::string::npos) pin.resize(nl);
    if (pin.empty()) throw Error(fmt::format("{}: the pin-source file {} is empty", shown, path));
    return pin;
}

// PINs that logged in, and tokens that refused one, for the life of the process, by module and
// token serial: a PIN typed for one token is never sent to another, a batch or a server logs in
// again without asking, and a refused PIN is never tried twice (each try counts towards locking
// the token; renew --watch would otherwise try it on every pass).
struct PinMemory {
    std::mutex mutex;
    std::map<std::string, std::string> accepted;
    std::set<std::string> refused;
};
PinMemory& pins() {
    static auto* memory = new PinMemory;  // never destroyed: no exit-time order to worry about
    return *memory;
}

}  // namespace

CK_ATTRIBUTE bool_attribute(CK_ATTRIBUTE_TYPE type, CK_BBOOL& value) { return CK_ATTRIBUTE{type, &value, sizeof value}; }

std::shared_ptr<Session> Session::open(const KeyUri& uri, const Access& access, bool read_write, bool login) {
    const std::string path = !access.module.empty() ? access.module : uri.module_path().value_or(Module::kDefaultPath);
    auto module = Module::load(path);
    auto* api = module->api();

    CK_INFO info{};
    if (api->C_GetInfo(&info) == CKR_OK && !uri.matches_module(info))
        throw Error(fmt::format("{}: no matching slots: module {} is not the library the URI names", uri.shown(), path));

    CK_ULONG count = 0;
    if (const CK_RV rv = api->C_GetSlotList(CK_TRUE, nullptr, &count); rv != CKR_OK)
        throw Error(fmt::format("{}: cannot list its slots ({})", path, rv_name(rv)));
    std::vector<CK_SLOT_ID> slots(count);
    if (count > 0) {
        if (const CK_RV rv = api->C_GetSlotList(CK_TRUE, slots.data(), &count); rv != CKR_OK)
            throw Error(fmt::format("{}: cannot list its slots ({})", path, rv_name(rv)));
        slots.resize(count);
    }
    std::vector<std::pair<CK_SLOT_ID, CK_TOKEN_INFO>> matching;
    std::vector<std::string> present;
    for (const CK_SLOT_ID slot : slots) {
        CK_SLOT_INFO slot_info{};
        CK_TOKEN_INFO token{};
        if (api->C_GetSlotInfo(slot, &slot_info) != CKR_OK || api->C_GetTokenInfo(slot, &token) != CKR_OK) continue;
        if (!(token.flags & CKF_TOKEN_INITIALIZED)) continue;
        present.push_back(describe(token, slot));
        if (uri.matches_slot(slot, slot_info) && uri.matches_token(token)) matching.emplace_back(slot, token);
    }
    if (matching.empty())
        throw Error(fmt::format("{}: no matching slots: no token in {} matches", uri.shown(), path),
                    present.empty() ? "the module has no initialised token" : "tokens present: " + joined(present));
    if (matching.size() > 1) {
        std::vector<std::string> named;
        for (const auto& [slot, token] : matching) named.push_back(describe(token, slot));
        throw Error(fmt::format("{}: multiple matching slots: {}", uri.shown(), joined(named)),
                    "name one token: add serial=... or slot-id=... to the URI");
    }
    const auto& [slot, token] = matching.front();
    CK_SESSION_HANDLE handle = 0;
    const CK_FLAGS flags = CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0);
    if (const CK_RV rv = api->C_OpenSession(slot, flags, nullptr, nullptr, &handle); rv != CKR_OK)
        throw Error(fmt::format("token '{}': cannot open a session ({})", field(token.label, sizeof token.label), rv_name(rv)));
    std::shared_ptr<Session> session(new Session(module, slot, handle, field(token.label, sizeof token.label)));
    if (login && (token.flags & CKF_LOGIN_REQUIRED)) session->login(uri, access, token);
    return session;
}

void Session::login(const KeyUri& uri, const Access& access, const CK_TOKEN_INFO& info) {
    CK_SESSION_INFO state{};
    if (api()->C_GetSessionInfo(handle_, &state) == CKR_OK &&
        (state.state == CKS_RO_USER_FUNCTIONS || state.state == CKS_RW_USER_FUNCTIONS))
        return;  // another session of this process logged in already (§5.6: the login is per token)
    if (info.flags & CKF_USER_PIN_LOCKED) throw Error(fmt::format("{}: the user PIN is locked", shown_), "unlock it with the token's SO PIN");
    const std::string token_key = module_->path() + "\n" + field(info.serialNumber, sizeof info.serialNumber) + "\n" + shown_;
    auto& memory = pins();
    {
        std::lock_guard lock(memory.mutex);
        if (memory.refused.count(token_key))
            throw Error(fmt::format("{}: its PIN was refused earlier in this process, and is not tried again", shown_),
                        "each wrong PIN counts towards the token locking it: give the right one and start again");
    }
    CK_RV rv;
    if (info.flags & CKF_PROTECTED_AUTHENTICATION_PATH) {
        rv = api()->C_Login(handle_, CKU_USER, nullptr, 0);  // the PIN is entered on the reader
    } else {
        std::string pin;
        bool asked = false;
        if (uri.pin_value()) pin = *uri.pin_value();
        else if (uri.pin_source()) pin = pin_from_source(*uri.pin_source(), uri.shown());
        else {
            std::lock_guard lock(memory.mutex);
            if (auto it = memory.accepted.find(token_key); it != memory.accepted.end()) pin = it->second;
        }
        if (pin.empty()) {
            if (!access.pin) throw Error(fmt::format("{} needs a PIN", shown_));
            pin = access.pin(shown_);
            asked = true;
        }
        rv = api()->C_Login(handle_, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size());
        if (rv == CKR_OK && asked) {
            std::lock_guard lock(memory.mutex);
            memory.accepted[token_key] = pin;
        }
        Botan::secure_scrub_memory(pin.data(), pin.size());
    }
    if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) return;
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE || rv == CKR_PIN_LOCKED) {
        std::lock_guard lock(memory.mutex);
        memory.refused.insert(token_key);
    }
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE) {
        // Never tried again: each wrong PIN counts towards the token locking it.
        CK_TOKEN_INFO after{};
        std::string hint = "nothing was tried again: each wrong PIN counts towards the token locking it";
        if (api()->C_GetTokenInfo(slot_, &after) == CKR_OK && (after.flags & CKF_USER_PIN_FINAL_TRY))
            hint = "one more wrong PIN locks the token";
        throw Error(fmt::format("{}: wrong PIN ({})", shown_, rv_name(rv)), hint);
    }
    if (rv == CKR_PIN_LOCKED) throw Error(fmt::format("{}: the user PIN is locked", shown_), "unlock it with the token's SO PIN");
    throw Error(fmt::format("{}: login failed ({})", shown_, rv_name(rv)));
}

Session::~Session() { api()->C_CloseSession(handle_); }

std::vector<CK_OBJECT_HANDLE> Session::find(std::vector<CK_ATTRIBUTE> match, size_t limit) {
    std::lock_guard lock(mutex_);
    if (const CK_RV rv = api()->C_FindObjectsInit(handle_, match.data(), match.size()); rv != CKR_OK)
        throw Error(fmt::format("{}: cannot search its objects ({})", shown_, rv_name(rv)));
    std::vector<CK_OBJECT_HANDLE> found(limit);
    CK_ULONG n = 0;
    const CK_RV rv = api()->C_FindObjects(handle_, found.data(), found.size(), &n);
    api()->C_FindObjectsFinal(handle_);
    if (rv != CKR_OK) throw Error(fmt::format("{}: cannot search its objects ({})", shown_, rv_name(rv)));
    found.resize(n);
    return found;
}

std::optional<std::vector<uint8_t>> Session::attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
    std::lock_guard lock(mutex_);
    CK_ATTRIBUTE a{type, nullptr, 0};
    if (api()->C_GetAttributeValue(handle_, object, &a, 1) != CKR_OK || a.ulValueLen == CK_UNAVAILABLE_INFORMATION) return std::nullopt;
    std::vector<uint8_t> value(a.ulValueLen);
    a.pValue = value.data();
    if (api()->C_GetAttributeValue(handle_, object, &a, 1) != CKR_OK) return std::nullopt;
    value.resize(a.ulValueLen);
    return value;
}

bool Session::flag(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
    const auto v = attribute(object, type);
    return v && v->size() == sizeof(CK_BBOOL) && (*v)[0] == CK_TRUE;
}

bool Session::offers(CK_MECHANISM_TYPE mechanism, CK_FLAGS use) {
    CK_MECHANISM_INFO info{};
    return api()->C_GetMechanismInfo(slot_, mechanism, &info) == CKR_OK && (info.flags & use) == use;
}

}  // namespace pkitool::issue::pkcs11
