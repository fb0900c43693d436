// A logged-in session on the one token a URI names, and what pkitool asks of it: find objects,
// read attributes, check mechanisms, log in with the PIN.
#pragma once

#include "issue/pkcs11/key_uri.h"
#include "issue/pkcs11/module.h"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::issue::pkcs11 {

// What opening a token may need besides its URI.
struct Access {
    std::string module;  // empty: the URI's module-path, else Module::kDefaultPath
    // Asked at most once, when the token needs a login and the URI carries no PIN (pin-value,
    // pin-source). Its argument names the token ("token 'pkitool'"). Empty: there is no other PIN.
    std::function<std::string(const std::string& token)> pin;
};

class Session {
public:
    // Finds the one token matching `uri` in the module, opens a session (read-write when asked,
    // to create objects) and logs the user in when the token requires it. Errors: no matching
    // token (the ones present are named), several (each named), a wrong or locked PIN (never
    // tried twice), no PIN to give. `login` false: a public session, for public objects such as
    // certificates (draft-woodhouse-cert-best-practice §8.1: look before logging in).
    static std::shared_ptr<Session> open(const KeyUri& uri, const Access& access, bool read_write = false, bool login = true);

    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Objects matching a template (PKCS#11 §5.7 C_FindObjects), at most `limit`.
    std::vector<CK_OBJECT_HANDLE> find(std::vector<CK_ATTRIBUTE> match, size_t limit = 64);
    // An attribute's value; empty optional when the object has none or keeps it sensitive.
    std::optional<std::vector<uint8_t>> attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
    bool flag(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);  // a CK_BBOOL attribute, false when absent
    // True when the token offers the mechanism for this use (CKF_SIGN, CKF_GENERATE_KEY_PAIR).
    bool offers(CK_MECHANISM_TYPE mechanism, CK_FLAGS use);

    CK_FUNCTION_LIST* api() const { return module_->api(); }
    CK_SESSION_HANDLE handle() const { return handle_; }
    // "token 'pkitool'": what errors call it.
    const std::string& shown() const { return shown_; }
    const std::string& label() const { return label_; }  // the token's CKA_LABEL ("pkitool")
    // One operation at a time: a PKCS#11 session is used by one thread at a time (§5.6), and a
    // batch signs from several.
    std::mutex& mutex() { return mutex_; }

private:
    Session(std::shared_ptr<Module> module, CK_SLOT_ID slot, CK_SESSION_HANDLE handle, std::string label)
        : module_(std::move(module)), slot_(slot), handle_(handle), shown_("token '" + label + "'"), label_(std::move(label)) {}
    void login(const KeyUri& uri, const Access& access, const CK_TOKEN_INFO& info);

    std::shared_ptr<Module> module_;
    CK_SLOT_ID slot_;
    CK_SESSION_HANDLE handle_;
    std::string shown_, label_;
    std::mutex mutex_;
};

// A BBOOL attribute for a template.
CK_ATTRIBUTE bool_attribute(CK_ATTRIBUTE_TYPE type, CK_BBOOL& value);

}  // namespace pkitool::issue::pkcs11
