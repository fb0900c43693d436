// Fleet CSV parsing (RFC 4180 quoting) and batch issuance.
#include "ca/fleet.h"
#include "ca/release.h"

#include "base/pem.h"

#include "ca/parallel.h"
#include "base/error.h"
#include "base/files.h"

#include <fmt/format.h>
#include <atomic>
#include <set>

namespace pkitool::ca {

namespace {

// A fleet file is the one input that grows with the fleet: a million rows fit in 256 MiB.
constexpr size_t kMaxFleetBytes = 256u << 20;

const std::vector<std::string> kColumns = {"name", "subject", "san", "key_type", "days", "profile"};

// Splits a CSV text into records of fields; quotes may hold commas, newlines and "" escapes.
std::vector<std::pair<size_t, std::vector<std::string>>> parse_csv(const std::string& text, const std::string& file) {
    std::vector<std::pair<size_t, std::vector<std::string>>> records;
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false, any = false;
    size_t line = 1, record_line = 1;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else {
                if (c == '\n') ++line;
                field += c;
            }
            continue;
        }
        if (c == '"') quoted = true, any = true;
        else if (c == ',') fields.push_back(field), field.clear(), any = true;
        else if (c == '\r') continue;
        else if (c == '\n') {
            if (any || !field.empty()) {
                fields.push_back(field);
                records.emplace_back(record_line, fields);
            }
            fields.clear(), field.clear(), any = false;
            record_line = ++line;
        } else field += c, any = true;
    }
    if (quoted) throw Error(file + ":" + std::to_string(record_line) + ": unterminated quoted field");
    if (any || !field.empty()) {
        fields.push_back(field);
        records.emplace_back(record_line, fields);
    }
    return records;
}

bool valid_name(const std::string& n) {
    if (n.empty() || n == "." || n == ".." || n.size() > 200) return false;
    for (char c : n)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
    return true;
}

}  // namespace

std::vector<FleetRow> read_fleet(const fs::path& csv, const std::string& default_profile, const profiles::Catalog& catalog) {
    return parse_fleet(files::read_text(csv, kMaxFleetBytes), files::name_of(csv), default_profile, catalog);
}

std::vector<FleetRow> parse_fleet(const std::string& text, const std::string& file, const std::string& default_profile,
                                  const profiles::Catalog& catalog) {
    const auto records = parse_csv(text, file);
    if (records.empty()) throw Error(file + ": empty; expected a header row: name,subject,san,key_type,days,profile");
    const auto& header = records.front().second;
    if (header != kColumns)
        throw Error(file + ":1: header must be exactly: name,subject,san,key_type,days,profile");
    std::vector<FleetRow> rows;
    std::set<std::string> names;
    for (size_t r = 1; r < records.size(); ++r) {
        const auto& [line, f] = records[r];
        const std::string where = file + ":" + std::to_string(line);
        if (f.size() != kColumns.size())
            throw Error(where + ": " + std::to_string(f.size()) + " fields, expected " + std::to_string(kColumns.size()),
                        "quote fields that contain commas: \"CN=vm-01,O=Example\"");
        try {
            if (!valid_name(f[0])) throw Error("name '" + f[0] + "' must be letters, digits, '.', '-' or '_'");
            if (!names.insert(f[0]).second) throw Error("name '" + f[0] + "' appears twice");
            std::vector<std::string> sans;
            std::string rest = f[2];
            for (size_t p; (p = rest.find(';')) != std::string::npos; rest = rest.substr(p + 1)) sans.push_back(rest.substr(0, p));
            if (!rest.empty()) sans.push_back(rest);
            std::optional<unsigned> days;
            if (!f[4].empty()) {
                size_t used = 0;
                unsigned long v = 0;
                try {
                    v = std::stoul(f[4], &used);
                } catch (const std::exception&) {
                    used = 0;
                }
                if (used != f[4].size() || v == 0 || v > 100000) throw Error("days '" + f[4] + "' is not a positive number");
                days = static_cast<unsigned>(v);
            }
            const auto type = f[3].empty() ? issue::KeyType::default_type() : issue::KeyType::parse(f[3]);
            rows.push_back(FleetRow{line, f[0], issue::Subject::parse(f[1]), issue::SubjectAltNames::parse(sans), type, days,
                                    catalog.find(f[5].empty() ? default_profile : f[5]), where});
        } catch (const Error& e) {
            // The row's cells are its inputs: `fleet.csv:3: san "x": ...`, never the flag that
            // would carry the same value on the command line.
            throw e.at(where);
        }
    }
    if (rows.empty()) throw Error(file + ": no rows after the header");
    return rows;
}

namespace {

enum class RowState { New, Complete, Deliver, Supersede };

const NextStep kResume{NextStep::Kind::Resume, "to finish a batch that was interrupted, run it again resuming it"};

// What a resumed batch finds for a row: the newest unrevoked certificate recorded as delivered to
// NAME.crt, and whether NAME.key (and NAME.crt) hold it.
RowState resume_state(const Authority& ca, const fs::path& crt, const fs::path& key, std::optional<db::CertificateRecord>& recorded) {
    std::error_code ec;
    recorded = ca.store().find_delivered_to(recorded_path(crt));
    if (!recorded) return RowState::New;
    const Botan::X509_Certificate cert(recorded->der);
    bool key_matches = false;
    if (fs::exists(key, ec)) {
        try {
            std::unique_ptr<Botan::Public_Key> pub(cert.subject_public_key());
            key_matches = issue::keys_match(issue::PrivateKey::load(key, std::nullopt).botan(), *pub);
        } catch (const Error&) {
            key_matches = false;
        }
        if (!key_matches) throw Error(key.string() + ": exists but is not the key of certificate " + recorded->serial.hex() + " recorded for this row");
    }
    if (!key_matches) {
        // The batch writes NAME.key before NAME.crt: a certificate file without its key was
        // delivered, and the key moved on (to its host). Only when neither reached the disk was
        // the certificate never delivered, and it is safe to revoke.
        if (fs::exists(crt, ec))
            throw Error(crt.string() + ": holds certificate " + recorded->serial.hex() + " but " + key.string() +
                            " is missing: it was delivered, so it is neither revoked nor issued again",
                        "put the key back to resume, or revoke certificate " + recorded->serial.hex() + " and remove " + crt.string());
        return RowState::Supersede;
    }
    if (fs::exists(crt, ec)) {
        const auto on_disk = pem::load_certificates(crt);
        if (on_disk.size() == 1 && on_disk.front() == cert) return RowState::Complete;
        throw Error(crt.string() + ": exists but is not certificate " + recorded->serial.hex() + " recorded for this row");
    }
    return RowState::Deliver;
}

}  // namespace

FleetPlan plan_fleet(const Authority& ca, std::vector<FleetRow> rows, const fs::path& out_dir, files::Overwrite overwrite, bool resume) {
    std::error_code ec;
    FleetPlan plan;
    plan.out_dir = out_dir;
    if (!fs::exists(out_dir, ec)) {
        // One level only: a mistyped parent is more likely than a wish for a new tree.
        const fs::path dir = out_dir.has_filename() ? out_dir : out_dir.parent_path();
        const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
        if (!fs::is_directory(parent, ec))
            throw Error(out_dir.string() + ": output directory cannot be created: " + parent.string() + " does not exist",
                        "create it first: mkdir -p " + out_dir.string());
        plan.create_out_dir = true;
    } else if (!fs::is_directory(out_dir, ec)) {
        throw Error(out_dir.string() + ": exists and is not a directory", "choose another output directory");
    }
    const auto now = Clock::now();
    for (auto& row : rows) {
        const auto key = out_dir / (row.name + ".key"), crt = out_dir / (row.name + ".crt");
        try {
            std::optional<db::CertificateRecord> recorded;
            const auto state = resume ? resume_state(ca, crt, key, recorded) : RowState::New;
            // Issuing again what a killed batch recorded would leave two valid certificates, one
            // of them with a key nobody has.
            if (!resume && overwrite == files::Overwrite::No)
                if (const auto earlier = ca.store().find_delivered_to(recorded_path(crt)))
                    throw Error("certificate " + earlier->serial.hex() + " is already recorded for " + crt.string()).with_step(kResume);
            if (state == RowState::Complete) {
                ++plan.complete;
                continue;
            }
            if (state == RowState::Deliver) {
                plan.deliver.push_back(std::move(*recorded));
                continue;
            }
            plan.validity.push_back(ca.validate(row.profile, row.subject, row.key_type, row.days, now));
            if (!plan.create_out_dir) {
                files::ensure_writable(key, overwrite);
                files::ensure_writable(crt, overwrite);
            }
            if (state == RowState::Supersede) plan.supersede.push_back(std::move(*recorded));
            plan.rows.push_back(std::move(row));
        } catch (const Error& e) {
            auto located = e.at(row.origin);
            if (e.hints().empty() && e.steps().empty() && !resume && fs::exists(key, ec)) located.with_step(kResume);
            throw located;
        }
    }
    return plan;
}

std::vector<Issued> issue_fleet(Authority& ca, const FleetPlan& plan, files::Overwrite overwrite,
                                const std::function<void(size_t, size_t)>& on_progress) {
    if (plan.create_out_dir) files::make_directory(plan.out_dir, files::Mode::Secret);  // keys go there
    // Never delivered, so never used: revoked before their rows are issued again.
    for (const auto& r : plan.supersede) ca.revoke(r.serial, db::Reason::Superseded);
    for (const auto& r : plan.deliver)
        files::write_atomic(*r.cert_path, Botan::X509_Certificate(r.der).PEM_encode(), files::Mode::Public, files::Overwrite::No);
    const size_t n = plan.rows.size();
    // Key generation dominates a fleet (an RSA key takes far longer than its certificate): all cores.
    // The SubjectPublicKeyInfo is encoded here too: for an EC key that converts the public point to
    // affine coordinates (two modular inversions, a third of a key generation), too much for the
    // sequential loop below.
    std::vector<std::optional<issue::PrivateKey>> keys(n);
    std::vector<std::optional<issue::SubjectKey>> subject_keys(n);
    std::vector<std::string> key_pems(n);
    parallel_for(n, [&](size_t i, size_t) {
        keys[i] = issue::PrivateKey::generate(plan.rows[i].key_type);
        subject_keys[i] = issue::SubjectKey::of(keys[i]->public_key());
        key_pems[i] = keys[i]->to_pem(std::nullopt);
    });
    std::vector<CertificateTemplate> templates;
    templates.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        const auto& row = plan.rows[i];
        templates.push_back(CertificateTemplate{row.subject, row.sans, std::move(*subject_keys[i]), row.profile,
                                                plan.validity[i].not_before, plan.validity[i].not_after,
                                                Delivery{plan.out_dir / (row.name + ".crt"), plan.out_dir / (row.name + ".key")}});
    }
    // Each chunk's files are written as soon as its rows are committed (record before release).
    std::atomic<size_t> delivered{0};  // rows [0, delivered) are recorded and written
    std::atomic<size_t> recorded{0};   // rows [0, recorded) are recorded (a chunk is, before its release)
    const auto release_chunk = [&](const std::vector<Issued>& issued, size_t first, size_t end) {
        recorded = end;
        for (size_t i = first; i < end; ++i) {
            const auto& row = plan.rows[i];
            release(ca, issued[i], ReleaseFiles{plan.out_dir / (row.name + ".crt"), plan.out_dir / (row.name + ".key"), key_pems[i], {}, {}},
                    overwrite,
                    "row " + std::to_string(row.line) + ": the " + std::to_string(end) +
                        " certificates up to its chunk are recorded, rows before it are written, later rows were not issued");
        }
        delivered = end;
    };
    try {
        return ca.issue_many(templates, on_progress, release_chunk);
    } catch (Error& e) {
        // A signer that fails mid-batch (a token removed, issue #11) stops it at a chunk: say
        // where, so the operator knows which machines have certificates.
        const size_t done = delivered;
        if (recorded != done) throw;  // a write failed: release's own message says what is recorded
        e.with_hint(done == 0 ? fmt::format("none of the {} rows was issued", n)
                              : fmt::format("rows 1 to {} of {} (to line {}) were issued and written; the rest were not issued", done, n,
                                            plan.rows[done - 1].line));
        if (done > 0) e.with_step(NextStep{NextStep::Kind::Resume, "run the batch again, resuming it"});
        throw;
    }
}

}  // namespace pkitool::ca
