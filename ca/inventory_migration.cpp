#include "ca/inventory_migration.h"

#include "ca/authority.h"
#include "ca/inventory_location.h"

#include "base/error.h"
#include "base/file_lock.h"
#include "db/copy.h"

#include <botan/hash.h>
#include <botan/hex.h>

#include <cerrno>
#include <cstdio>  // renameat2
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace pkitool::ca {

namespace {

namespace fs = std::filesystem;

// Over what a CRL and `db show` depend on, in the order rows were recorded (kept by the copy).
std::string checksum(const db::Store& store) {
    auto sha = Botan::HashFunction::create_or_throw("SHA-256");
    const auto field = [&](const std::string& text) {
        const uint64_t n = text.size();
        sha->update_be(n);
        sha->update(text);
    };
    store.each_row([&](const db::CertificateRecord& r) {
        field(r.serial.hex());
        sha->update_be(static_cast<uint64_t>(r.der.size()));
        sha->update(r.der);
        field(r.revocation ? std::to_string(r.revocation->at.time_since_epoch().count()) + " " + db::to_string(r.revocation->reason) + " " +
                                 r.revocation->hold_instruction.value_or("")
                           : "");
        field(r.superseded_by ? r.superseded_by->hex() : "");
    });
    return Botan::hex_encode(sha->final(), false);
}

bool same_place(const db::Location& a, const db::Location& b) {
    if (a.index() != b.index()) return false;
    return db::to_string(a) == db::to_string(b);
}

// A free name for the SQLite file a migration leaves: DIR/pkitool.db.before-migration[-N].
fs::path kept_name(const Layout& l) {
    std::error_code ec;
    for (int n = 0;; ++n) {
        fs::path p = l.dir / ("pkitool.db.before-migration" + (n ? "-" + std::to_string(n) : std::string()));
        if (!fs::exists(p, ec)) return p;
    }
}

void rename_noreplace(const fs::path& from, const fs::path& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0)
        throw Error(to.string() + ": cannot move " + from.string() + " there: " + std::strerror(errno));
}

}  // namespace

MigrationSummary migrate_inventory(const fs::path& dir, const db::Location& to) {
    const Layout l{dir};
    if (location_override(l))
        throw Error("PKITOOL_DB is set: it would decide which inventory this directory uses, whatever the migration records",
                    "unset PKITOOL_DB for the migration");
    // One migration at a time per directory.
    const files::FileLock lock(dir / ".migrate.lock");
    std::optional<Authority> opened(Authority::open(dir));
    auto& authority = *opened;
    const auto fingerprint = certificate_sha256(authority.certificate());
    const auto from = recorded_location(l);
    MigrationSummary summary{db::to_string(from), db::to_string(to)};
    if (same_place(from, to)) throw Error(summary.from + ": the inventory of " + dir.string() + " is there already");

    const auto source_sum = checksum(authority.store());
    const auto source_rows = authority.store().count();
    std::optional<fs::path> staging;  // a new SQLite file, renamed into place once whole
    {
        std::optional<db::Store> target;
        if (const auto* pg = std::get_if<db::PostgresDatabase>(&to)) {
            try {
                target = db::Store::open(to, db::Store::Open::CreateNew, fingerprint);
            } catch (const Error&) {
                // This CA is in the database already: a migration cut short, or another inventory of it.
                target = db::Store::open(*pg, db::Store::Open::Existing, fingerprint);
            }
        } else {
            std::error_code ec;
            if (fs::exists(l.database(), ec)) {
                target = db::Store::open(l.database(), db::Store::Open::Existing);
            } else {
                staging = dir / ".pkitool.db.migrating";
                fs::remove(*staging, ec);  // one a run cut short left: never whole
                target = db::Store::open(*staging, db::Store::Open::CreateNew);
                target->set_ca_fingerprint(fingerprint);
            }
            if (target->ca_fingerprint() && *target->ca_fingerprint() != fingerprint)
                throw Error(target->where() + ": holds another CA's inventory");
        }
        if (target->count() == 0 && target->last_crl_number() == 0) {
            const auto copied = db::copy_inventory(authority.store().inventory(), target->inventory());
            summary.rows = copied.rows;
            summary.revoked = copied.revoked;
            summary.last_crl_number = copied.last_crl_number;
        } else {
            summary.finished_earlier_copy = true;
            summary.rows = target->count();
            summary.last_crl_number = target->last_crl_number();
            summary.revoked = target->revocations().size();
        }
        summary.checksum = checksum(*target);
        if (summary.checksum != source_sum || target->count() != source_rows || target->last_crl_number() < authority.store().last_crl_number())
            throw Error(target->where() + (summary.finished_earlier_copy ? ": already holds an inventory of this CA, with other rows than " : ": the copy differs from ") +
                            summary.from + " (" + std::to_string(target->count()) + " rows against " + std::to_string(source_rows) + ")",
                        summary.finished_earlier_copy ? "the directory still uses " + summary.from + "; remove that inventory from the target first" : "");
    }
    // The switch: the target recorded (or DIR/inventory.url removed), then the old SQLite file
    // renamed, so that nothing reads it as current again.
    opened.reset();  // the source closed: SQLite folds its WAL into pkitool.db before it is renamed
    if (staging) rename_noreplace(*staging, l.database());
    record_location(l, to);
    if (std::holds_alternative<db::SqliteFile>(from)) {
        summary.kept = kept_name(l);
        rename_noreplace(l.database(), *summary.kept);
    }
    return summary;
}

}  // namespace pkitool::ca
