// SQLite state of the emulator: schema by version, prepared statements, one transaction per change.
#include "exchange/emulator/state_store.h"
#include "db/sqlite_statement.h"

#include "base/error.h"
#include "base/pem.h"
#include "issue/x509_file.h"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace pkitool::exchange {

namespace {

using nlohmann::json;

// Marks the file as an emulator state ("pkie"), so that a CA's inventory or any other SQLite file
// is refused instead of being taken for one (https://sqlite.org/pragma.html#pragma_application_id).
constexpr int kApplicationId = 0x706b6965;

// Each entry migrates the schema from version i to i+1; never edit a shipped entry, append one.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE trust_anchors (
        id TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL, enabled INTEGER NOT NULL,
        source_type TEXT NOT NULL, certificate_data TEXT NOT NULL,       -- the PEM bundle as sent
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL          -- unix milliseconds
    );
    CREATE TABLE profiles (
        id TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL, enabled INTEGER NOT NULL,
        role_arns TEXT NOT NULL, managed_policy_arns TEXT NOT NULL,      -- JSON arrays of strings
        session_policy TEXT, duration_seconds INTEGER NOT NULL, require_instance_properties INTEGER NOT NULL,
        accept_role_session_name INTEGER NOT NULL, created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
    );
    CREATE TABLE crls (
        id TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL, enabled INTEGER NOT NULL,
        trust_anchor_arn TEXT NOT NULL, data BLOB NOT NULL,               -- the bytes imported
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
    );
    CREATE TABLE tags (
        resource_arn TEXT NOT NULL, position INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (resource_arn, key)
    );
    CREATE TABLE roles (arn TEXT PRIMARY KEY, name TEXT NOT NULL, trust_policy TEXT NOT NULL);  -- {"conditions": [...]}
    )sql",
    // IAM roles (IAM API Reference, "Role"): the columns of CreateRole, and inline policies.
    R"sql(
    ALTER TABLE roles ADD COLUMN path TEXT NOT NULL DEFAULT '/';
    ALTER TABLE roles ADD COLUMN role_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE roles ADD COLUMN trust_policy_document TEXT;       -- AssumeRolePolicyDocument as given
    ALTER TABLE roles ADD COLUMN description TEXT;
    ALTER TABLE roles ADD COLUMN max_session_duration INTEGER NOT NULL DEFAULT 43200;  -- kept roles: no cap
    ALTER TABLE roles ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;  -- unix milliseconds
    ALTER TABLE roles ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';   -- JSON [[key, value], ...]
    CREATE TABLE role_policies (
        role_arn TEXT NOT NULL, name TEXT NOT NULL, document TEXT NOT NULL,
        PRIMARY KEY (role_arn, name)
    );
    )sql",
    // A profile's attribute mappings: [{"certificateField": ..., "specifiers": [...]}]; NULL (a
    // profile kept before mappings existed) means the defaults.
    R"sql(
    ALTER TABLE profiles ADD COLUMN attribute_mappings TEXT;
    )sql",
    // Subjects of CreateSession callers (SubjectDetail) and a trust anchor's notification settings:
    // [{"event", "channel", "enabled", "threshold", "configuredBy"}]; NULL means the defaults.
    R"sql(
    CREATE TABLE subjects (
        id TEXT PRIMARY KEY, position INTEGER NOT NULL, x509_subject TEXT NOT NULL,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL
    );
    CREATE TABLE subject_credentials (
        subject_id TEXT NOT NULL, position INTEGER NOT NULL, serial_number TEXT NOT NULL, issuer TEXT NOT NULL,
        certificate TEXT NOT NULL, seen_at INTEGER NOT NULL, failed INTEGER NOT NULL,
        PRIMARY KEY (subject_id, position)
    );
    ALTER TABLE trust_anchors ADD COLUMN notification_settings TEXT;
    )sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

using Statement = db::SqliteStatement;

int64_t to_millis(Timestamp t) { return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count(); }
Timestamp from_millis(int64_t ms) { return Timestamp(std::chrono::duration_cast<Timestamp::duration>(std::chrono::milliseconds(ms))); }

std::vector<std::string> string_list(const std::string& text) {
    const auto j = json::parse(text, nullptr, false);
    if (!j.is_array()) return {};
    std::vector<std::string> out;
    for (const auto& v : j)
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

// A role row keeps the trust policy document as given (GetRole returns it byte for byte).
std::string policy_json(const TrustPolicy& p) { return p.document(); }

// The previous release kept {"conditions": [{"operator", "key", "values"}]}, all ANDed and granting
// the Roles Anywhere principal: the same as one Allow statement with that Condition block.
TrustPolicy policy_of(const std::string& text, const std::string& where) {
    const auto j = json::parse(text, nullptr, false);
    try {
        if (!j.is_object() || !j.contains("conditions")) return TrustPolicy::parse(text);
        if (!j["conditions"].is_array()) throw Error("the kept trust policy is not readable");
        json block = json::object();
        for (const auto& c : j["conditions"]) {
            if (!c.is_object() || !c.contains("operator") || !c["operator"].is_string() || !c.contains("key") || !c["key"].is_string() ||
                !c.contains("values") || !c["values"].is_array())
                throw Error("the kept trust policy has an unreadable condition");
            auto& keys = block[c["operator"].get<std::string>()];
            if (keys.contains(c["key"].get<std::string>())) throw Error("the kept trust policy names " + c["key"].get<std::string>() + " twice");
            keys[c["key"].get<std::string>()] = c["values"];
        }
        return TrustPolicy::allowing_rolesanywhere(block.dump());
    } catch (const Error& e) {
        throw Error(where + ": " + e.what());
    }
}

json mappings_of(const AttributeMappings& mappings) {
    json out = json::array();
    for (const auto& m : mappings) out.push_back({{"certificateField", m.certificate_field}, {"specifiers", m.specifiers}});
    return out;
}

AttributeMappings mappings_from(const std::optional<std::string>& text, const std::string& where) {
    if (!text) return default_attribute_mappings();
    const auto j = json::parse(*text, nullptr, false);
    if (!j.is_array()) throw Error(where + ": the kept attribute mappings are not readable");
    AttributeMappings out;
    for (const auto& m : j) {
        if (!m.is_object() || !m.contains("certificateField") || !m["certificateField"].is_string() || !m.contains("specifiers"))
            throw Error(where + ": the kept attribute mappings have an unreadable entry");
        out.push_back({m["certificateField"].get<std::string>(), string_list(m["specifiers"].dump())});
    }
    return out;
}

json settings_of(const std::vector<NotificationSetting>& settings) {
    json out = json::array();
    for (const auto& n : settings)
        out.push_back({{"event", n.event}, {"channel", n.channel}, {"enabled", n.enabled}, {"threshold", n.threshold}, {"configuredBy", n.configured_by}});
    return out;
}

std::vector<NotificationSetting> settings_from(const std::optional<std::string>& text, const std::string& where) {
    if (!text) return default_notification_settings();
    const auto j = json::parse(*text, nullptr, false);
    if (!j.is_array()) throw Error(where + ": the kept notification settings are not readable");
    std::vector<NotificationSetting> out;
    for (const auto& n : j) {
        if (!n.is_object() || !n.value("event", json()).is_string() || !n.value("channel", json()).is_string() || !n.value("enabled", json()).is_boolean() ||
            !n.value("threshold", json()).is_number_integer() || !n.value("configuredBy", json()).is_string())
            throw Error(where + ": the kept notification settings have an unreadable entry");
        out.push_back({n["event"].get<std::string>(), n["channel"].get<std::string>(), n["enabled"].get<bool>(), n["threshold"].get<int>(),
                       n["configuredBy"].get<std::string>()});
    }
    return out;
}

// Keys of what differs between two maps of immutable resources: upserts and removals.
template <typename Map, typename Upsert, typename Remove>
void diff(const Map& before, const Map& after, Upsert upsert, Remove remove) {
    for (const auto& [key, value] : after) {
        const auto it = before.find(key);
        if (it == before.end() || it->second != value) upsert(key, value);
    }
    for (const auto& [key, value] : before)
        if (!after.count(key)) remove(key);
}

}  // namespace

std::unique_ptr<StateStore> StateStore::open(const std::filesystem::path& path) {
    const std::string name = path.string();
    // Created here, not by SQLite, so that it is private from its first byte.
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
    else if (errno != EEXIST) throw Error(name + ": cannot create: " + std::strerror(errno));
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        throw Error(name + ": cannot open: " + why);
    }
    std::unique_ptr<StateStore> store(new StateStore(db, path));
    sqlite3_busy_timeout(db, 200);
    // Held from here to the end: one emulator per state, since each keeps the state in memory and
    // would not see another's changes.
    store->exec("PRAGMA locking_mode=EXCLUSIVE");
    try {
        store->exec("BEGIN EXCLUSIVE");
        store->exec("COMMIT");
    } catch (const Error&) {
        throw Error(name + ": in use by another emulator (each state file serves one at a time)");
    }
    int app_id = 0;
    {
        Statement s(db, "PRAGMA application_id", name);
        s.step();
        app_id = static_cast<int>(s.integer(0));
    }
    const int version = store->schema_version();
    if (version != 0 && app_id != kApplicationId) throw Error(name + ": not an emulator state file (another SQLite database)");
    if (version == 0) {
        Statement s(db, "SELECT count(*) FROM sqlite_master", name);
        s.step();
        if (s.integer(0) != 0) throw Error(name + ": not an emulator state file (another SQLite database)");
    }
    store->exec("PRAGMA journal_mode=WAL");
    // FULL: a change is on disk before the emulator answers that it was made.
    store->exec("PRAGMA synchronous=FULL");
    store->migrate();
    return store;
}

StateStore::StateStore(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

StateStore::~StateStore() { sqlite3_close(db_); }

void StateStore::exec(const char* sql) const {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string why = err ? err : "unknown error";
        sqlite3_free(err);
        throw Error(path_.string() + ": database error: " + why);
    }
}

int StateStore::schema_version() const {
    Statement s(db_, "PRAGMA user_version", path_.string());
    s.step();
    return static_cast<int>(s.integer(0));
}

void StateStore::migrate() {
    const int have = schema_version();
    if (have > kSchemaVersion)
        throw Error(path_.string() + ": state schema version " + std::to_string(have) + " is newer than this emulator understands", "upgrade pkitool");
    if (have == kSchemaVersion) return;
    exec("BEGIN IMMEDIATE");
    try {
        for (int v = have; v < kSchemaVersion; ++v) exec(kMigrations[v]);
        exec(("PRAGMA application_id=" + std::to_string(kApplicationId)).c_str());
        exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
        exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

ControlSnapshot StateStore::load() const {
    const std::string where = path_.string();
    ControlSnapshot snap;
    std::map<std::string, std::string> settings;
    {
        Statement s(db_, "SELECT name, value FROM settings", where);
        while (s.step() == SQLITE_ROW) settings[s.text(0)] = s.text(1);
    }
    snap.region = settings["region"];
    snap.account = settings["account"];
    snap.initialized = settings["initialized"] == "1";
    if (!settings["next_order"].empty()) snap.next_order = std::stoll(settings["next_order"]);
    if (!settings["administrator_access_key_id"].empty())
        snap.administrator = administrator_of(snap.account, settings["administrator_access_key_id"], settings["administrator_secret_access_key"]);
    {
        Statement s(db_, "SELECT id, position, name, enabled, source_type, certificate_data, created_at, updated_at, notification_settings FROM trust_anchors", where);
        while (s.step() == SQLITE_ROW) {
            auto a = std::make_shared<AnchorResource>();
            a->id = s.text(0);
            a->order = s.integer(1);
            a->name = s.text(2);
            a->enabled = s.integer(3) != 0;
            a->source_type = s.text(4);
            a->certificate_data = s.text(5);
            a->created_at = from_millis(s.integer(6));
            a->updated_at = from_millis(s.integer(7));
            const auto* bytes = reinterpret_cast<const uint8_t*>(a->certificate_data.data());
            a->certificates = pem::certificates({bytes, a->certificate_data.size()}, where + ": trust anchor " + a->id);
            a->notification_settings = settings_from(s.optional_text(8), where + ": trust anchor " + a->id);
            snap.anchors[a->id] = std::move(a);
        }
    }
    {
        Statement s(db_,
                    "SELECT id, position, name, enabled, role_arns, managed_policy_arns, session_policy, duration_seconds, "
                    "require_instance_properties, accept_role_session_name, created_by, created_at, updated_at, attribute_mappings FROM profiles",
                    where);
        while (s.step() == SQLITE_ROW) {
            auto p = std::make_shared<ProfileResource>();
            p->id = s.text(0);
            p->order = s.integer(1);
            p->name = s.text(2);
            p->enabled = s.integer(3) != 0;
            p->role_arns = string_list(s.text(4));
            p->managed_policy_arns = string_list(s.text(5));
            p->session_policy = s.optional_text(6);
            p->duration_seconds = static_cast<int>(s.integer(7));
            p->require_instance_properties = s.integer(8) != 0;
            p->accept_role_session_name = s.integer(9) != 0;
            p->created_by = s.text(10);
            p->created_at = from_millis(s.integer(11));
            p->updated_at = from_millis(s.integer(12));
            p->attribute_mappings = mappings_from(s.optional_text(13), where + ": profile " + p->id);
            snap.profiles[p->id] = std::move(p);
        }
    }
    {
        Statement s(db_, "SELECT id, position, name, enabled, trust_anchor_arn, data, created_at, updated_at FROM crls", where);
        while (s.step() == SQLITE_ROW) {
            auto c = std::make_shared<CrlResource>();
            c->id = s.text(0);
            c->order = s.integer(1);
            c->name = s.text(2);
            c->enabled = s.integer(3) != 0;
            c->trust_anchor_arn = s.text(4);
            c->data = s.blob(5);
            c->created_at = from_millis(s.integer(6));
            c->updated_at = from_millis(s.integer(7));
            c->crl = issue::parse_crl(c->data, where + ": CRL " + c->id);
            snap.crls[c->id] = std::move(c);
        }
    }
    {
        Statement s(db_, "SELECT resource_arn, key, value FROM tags ORDER BY resource_arn, position", where);
        while (s.step() == SQLITE_ROW) snap.tags[s.text(0)].push_back({s.text(1), s.text(2)});
    }
    {
        Statement s(db_,
                    "SELECT arn, name, trust_policy, path, role_id, trust_policy_document, description, max_session_duration, created_at, tags FROM roles",
                    where);
        while (s.step() == SQLITE_ROW) {
            auto r = std::make_shared<EmulatedRole>();
            r->arn = s.text(0);
            r->name = s.text(1);
            r->trust_policy = policy_of(s.text(2), where + ": role " + r->arn);
            r->path = s.text(3);
            r->role_id = s.text(4);
            r->trust_policy_document = s.optional_text(5);
            r->description = s.optional_text(6);
            r->max_session_duration = static_cast<int>(s.integer(7));
            r->created_at = from_millis(s.integer(8));
            const auto tags = json::parse(s.text(9), nullptr, false);
            if (!tags.is_array()) throw Error(where + ": role " + r->arn + ": the kept tags are not readable");
            for (const auto& t : tags) {
                if (!t.is_array() || t.size() != 2 || !t[0].is_string() || !t[1].is_string()) throw Error(where + ": role " + r->arn + ": a kept tag is not readable");
                r->tags.emplace_back(t[0].get<std::string>(), t[1].get<std::string>());
            }
            Statement policies(db_, "SELECT name, document FROM role_policies WHERE role_arn = ?1", where);
            policies.bind(1, r->arn);
            while (policies.step() == SQLITE_ROW) r->inline_policies[policies.text(0)] = policies.text(1);
            snap.roles[r->arn] = std::move(r);
        }
    }
    return snap;
}

void StateStore::save(const ControlSnapshot& before, const ControlSnapshot& after) {
    std::lock_guard lock(mutex_);
    const std::string where = path_.string();
    exec("BEGIN IMMEDIATE");
    try {
        {
            Statement put(db_, "INSERT OR REPLACE INTO settings (name, value) VALUES (?1, ?2)", where);
            const auto setting = [&](const char* name, const std::string& old_value, const std::string& value) {
                if (old_value == value) return;
                put.bind(1, std::string(name));
                put.bind(2, value);
                put.run();
            };
            setting("region", before.region, after.region);
            setting("account", before.account, after.account);
            setting("initialized", before.initialized ? "1" : "0", after.initialized ? "1" : "0");
            setting("next_order", std::to_string(before.next_order), std::to_string(after.next_order));
            const auto key = [](const ControlSnapshot& s) { return s.administrator ? s.administrator->access_key_id : std::string(); };
            const auto secret = [](const ControlSnapshot& s) { return s.administrator ? s.administrator->secret_access_key : std::string(); };
            setting("administrator_access_key_id", key(before), key(after));
            setting("administrator_secret_access_key", secret(before), secret(after));
        }
        {
            Statement put(db_,
                          "INSERT OR REPLACE INTO trust_anchors (id, position, name, enabled, source_type, certificate_data, created_at, updated_at, "
                          "notification_settings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                          where);
            Statement remove(db_, "DELETE FROM trust_anchors WHERE id = ?1", where);
            diff(
                before.anchors, after.anchors,
                [&](const std::string& id, const std::shared_ptr<const AnchorResource>& a) {
                    put.bind(1, id);
                    put.bind(2, a->order);
                    put.bind(3, a->name);
                    put.bind(4, int64_t{a->enabled});
                    put.bind(5, a->source_type);
                    put.bind(6, a->certificate_data);
                    put.bind(7, to_millis(a->created_at));
                    put.bind(8, to_millis(a->updated_at));
                    if (a->notification_settings == default_notification_settings()) put.bind_null(9);
                    else put.bind(9, settings_of(a->notification_settings).dump());
                    put.run();
                },
                [&](const std::string& id) {
                    remove.bind(1, id);
                    remove.run();
                });
        }
        {
            Statement put(db_,
                          "INSERT OR REPLACE INTO profiles (id, position, name, enabled, role_arns, managed_policy_arns, session_policy, "
                          "duration_seconds, require_instance_properties, accept_role_session_name, created_by, created_at, updated_at, attribute_mappings) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                          where);
            Statement remove(db_, "DELETE FROM profiles WHERE id = ?1", where);
            diff(
                before.profiles, after.profiles,
                [&](const std::string& id, const std::shared_ptr<const ProfileResource>& p) {
                    put.bind(1, id);
                    put.bind(2, p->order);
                    put.bind(3, p->name);
                    put.bind(4, int64_t{p->enabled});
                    put.bind(5, json(p->role_arns).dump());
                    put.bind(6, json(p->managed_policy_arns).dump());
                    put.bind(7, p->session_policy);
                    put.bind(8, int64_t{p->duration_seconds});
                    put.bind(9, int64_t{p->require_instance_properties});
                    put.bind(10, int64_t{p->accept_role_session_name});
                    put.bind(11, p->created_by);
                    put.bind(12, to_millis(p->created_at));
                    put.bind(13, to_millis(p->updated_at));
                    put.bind(14, mappings_of(p->attribute_mappings).dump());
                    put.run();
                },
                [&](const std::string& id) {
                    remove.bind(1, id);
                    remove.run();
                });
        }
        {
            Statement put(db_,
                          "INSERT OR REPLACE INTO crls (id, position, name, enabled, trust_anchor_arn, data, created_at, updated_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                          where);
            Statement remove(db_, "DELETE FROM crls WHERE id = ?1", where);
            diff(
                before.crls, after.crls,
                [&](const std::string& id, const std::shared_ptr<const CrlResource>& c) {
                    put.bind(1, id);
                    put.bind(2, c->order);
                    put.bind(3, c->name);
                    put.bind(4, int64_t{c->enabled});
                    put.bind(5, c->trust_anchor_arn);
                    put.bind(6, c->data);
                    put.bind(7, to_millis(c->created_at));
                    put.bind(8, to_millis(c->updated_at));
                    put.run();
                },
                [&](const std::string& id) {
                    remove.bind(1, id);
                    remove.run();
                });
        }
        {
            Statement put(db_, "INSERT INTO tags (resource_arn, position, key, value) VALUES (?1, ?2, ?3, ?4)", where);
            Statement clear(db_, "DELETE FROM tags WHERE resource_arn = ?1", where);
            const auto replace = [&](const std::string& arn, const std::vector<Tag>& tags) {
                clear.bind(1, arn);
                clear.run();
                for (size_t i = 0; i < tags.size(); ++i) {
                    put.bind(1, arn);
                    put.bind(2, static_cast<int64_t>(i));
                    put.bind(3, tags[i].key);
                    put.bind(4, tags[i].value);
                    put.run();
                }
            };
            diff(before.tags, after.tags, replace, [&](const std::string& arn) { replace(arn, {}); });
        }
        {
            Statement put(db_,
                          "INSERT OR REPLACE INTO roles (arn, name, trust_policy, path, role_id, trust_policy_document, description, "
                          "max_session_duration, created_at, tags) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                          where);
            Statement remove(db_, "DELETE FROM roles WHERE arn = ?1", where);
            Statement clear_policies(db_, "DELETE FROM role_policies WHERE role_arn = ?1", where);
            Statement put_policy(db_, "INSERT INTO role_policies (role_arn, name, document) VALUES (?1, ?2, ?3)", where);
            diff(
                before.roles, after.roles,
                [&](const std::string& arn, const std::shared_ptr<const EmulatedRole>& r) {
                    put.bind(1, arn);
                    put.bind(2, r->name);
                    put.bind(3, policy_json(r->trust_policy));
                    put.bind(4, r->path);
                    put.bind(5, r->role_id);
                    put.bind(6, r->trust_policy_document);
                    put.bind(7, r->description);
                    put.bind(8, int64_t{r->max_session_duration});
                    put.bind(9, to_millis(r->created_at));
                    json tags = json::array();
                    for (const auto& [k, v] : r->tags) tags.push_back({k, v});
                    put.bind(10, tags.dump());
                    put.run();
                    clear_policies.bind(1, arn);
                    clear_policies.run();
                    for (const auto& [name, document] : r->inline_policies) {
                        put_policy.bind(1, arn);
                        put_policy.bind(2, name);
                        put_policy.bind(3, document);
                        put_policy.run();
                    }
                },
                [&](const std::string& arn) {
                    remove.bind(1, arn);
                    remove.run();
                    clear_policies.bind(1, arn);
                    clear_policies.run();
                });
        }
        exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::vector<SubjectResource> StateStore::load_subjects() const {
    std::lock_guard lock(mutex_);
    const std::string where = path_.string();
    std::map<std::string, SubjectResource> by_id;
    {
        Statement s(db_, "SELECT id, position, x509_subject, created_at, updated_at, last_seen_at FROM subjects", where);
        while (s.step() == SQLITE_ROW) {
            SubjectResource r;
            r.id = s.text(0);
            r.order = s.integer(1);
            r.x509_subject = s.text(2);
            r.created_at = from_millis(s.integer(3));
            r.updated_at = from_millis(s.integer(4));
            r.last_seen_at = from_millis(s.integer(5));
            by_id[r.id] = std::move(r);
        }
    }
    {
        Statement s(db_, "SELECT subject_id, serial_number, issuer, certificate, seen_at, failed FROM subject_credentials ORDER BY subject_id, position", where);
        while (s.step() == SQLITE_ROW) {
            const auto it = by_id.find(s.text(0));
            if (it == by_id.end()) continue;  // a subject's rows go in one transaction; none is orphaned
            it->second.credentials.push_back({s.text(1), s.text(2), s.text(3), from_millis(s.integer(4)), s.integer(5) != 0});
        }
    }
    std::vector<SubjectResource> out;
    for (auto& [id, r] : by_id) out.push_back(std::move(r));
    return out;
}

void StateStore::save_subject(const SubjectResource& subject, const std::optional<std::string>& evicted) {
    std::lock_guard lock(mutex_);
    const std::string where = path_.string();
    exec("BEGIN IMMEDIATE");
    try {
        Statement clear(db_, "DELETE FROM subject_credentials WHERE subject_id = ?1", where);
        if (evicted) {
            Statement remove(db_, "DELETE FROM subjects WHERE id = ?1", where);
            remove.bind(1, *evicted);
            remove.run();
            clear.bind(1, *evicted);
            clear.run();
        }
        Statement put(db_,
                      "INSERT OR REPLACE INTO subjects (id, position, x509_subject, created_at, updated_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", where);
        put.bind(1, subject.id);
        put.bind(2, subject.order);
        put.bind(3, subject.x509_subject);
        put.bind(4, to_millis(subject.created_at));
        put.bind(5, to_millis(subject.updated_at));
        put.bind(6, to_millis(subject.last_seen_at));
        put.run();
        clear.bind(1, subject.id);
        clear.run();
        Statement credential(db_,
                             "INSERT INTO subject_credentials (subject_id, position, serial_number, issuer, certificate, seen_at, failed) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                             where);
        for (size_t i = 0; i < subject.credentials.size(); ++i) {
            const auto& c = subject.credentials[i];
            credential.bind(1, subject.id);
            credential.bind(2, static_cast<int64_t>(i));
            credential.bind(3, c.serial_number);
            credential.bind(4, c.issuer);
            credential.bind(5, c.certificate_pem);
            credential.bind(6, to_millis(c.seen_at));
            credential.bind(7, int64_t{c.failed});
            credential.run();
        }
        exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

}  // namespace pkitool::exchange
