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

// Over every column of every row (what a CRL, `db show` and `db check` read), in the order rows
// were recorded, which the copy keeps. Each field is length-prefixed, so no two rows hash alike.
std::string checksum(const db::Inventory& inventory) {
    auto sha = Botan::HashFunction::create_or_throw("SHA-256");
    const auto field = [&](const std::string& text) {
        sha->update_be(static_cast<uint64_t>(text.size()));
        sha->update(text);
    };
    const auto time = [&](db::Time t) { field(std::to_string(t.time_since_epoch().count())); };
    inventory.each_row([&](const db::CertificateRecord& r) {
        field(r.serial.hex());
        field(r.subject);
        field(r.sans);
        time(r.not_before);
        time(r.not_after);
        field(r.profile);
        field(r.fingerprint);
        sha->update_be(static_cast<uint64_t>(r.der.size()));
        sha->update(r.der);
        time(r.created_at);
        field(r.revocation ? std::to_string(r.revocation->at.time_since_epoch().count()) + " " + db::to_string(r.revocation->reason) + " " +
                                 r.revocation->hold_instruction.value_or("")
                           : "");
        field(r.cert_path.value_or("\x01none"));
        field(r.key_path.value_or("\x01none"));
        field(r.superseded_by ? r.superseded_by->hex() : "");
    });
    sha->update_be(inventory.last_crl_number());
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
        std::string name = "pkitool.db.before-migration";  // appended piecewise: GCC 12's -Wrestrict misfires on "-" + std::string&&
        if (n) name.append("-").append(std::to_string(n));
        fs::path p = l.dir / name;
        if (!fs::exists(p, ec)) return p;
    }
}

void rename_noreplace(const fs::path& from, const fs::path& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0)
        throw Error(to.string() + ": cannot move " + from.string() + " there: " + std::strerror(errno));
}

}  // namespace

namespace {

// An SQLite file beside which a -wal or -shm is left (a process killed while it had it open):
// SQLite would replay that journal into whatever file next takes the name.
void refuse_leftover_journal(const fs::path& database) {
    std::error_code ec;
    for (const char* suffix : {"-wal", "-shm"}) {
        const fs::path journal = database.string() + suffix;
        if (fs::exists(journal, ec))
            throw Error(journal.string() + ": is left from an earlier use of " + database.filename().string() + " (a pkitool killed while it had it open)",
                        "make sure nothing uses the CA, then open the CA once so that SQLite folds it in, or move it away");
    }
}

}  // namespace

MigrationSummary migrate_inventory(const fs::path& dir, const db::Location& to) {
    const Layout l{dir};
    if (location_override(l))
        throw Error("PKITOOL_DB is set: it would decide which inventory this directory uses, whatever the migration records",
                    "unset PKITOOL_DB for the migration");
    // Every other command holds it shared while it has the CA open (Authority::open): taken
    // exclusively, nobody writes to the inventory while it moves, and they wait, then use the new one.
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw Error(dir.string() + ": no such CA directory");
    const files::FileLock lock(l.migration_lock());
    std::optional<Authority> opened(Authority::open(dir, Authority::Sharing::Alone));
    auto& authority = *opened;
    const auto fingerprint = certificate_sha256(authority.certificate());
    const auto from = recorded_location(l);
    MigrationSummary summary;
    summary.from = db::to_string(from);
    summary.to = db::to_string(to);
    if (same_place(from, to)) {
        // Cut short after the switch to PostgreSQL, before the old file was set aside: finished now.
        if (std::holds_alternative<db::PostgresDatabase>(to) && fs::exists(l.database(), ec)) {
            opened.reset();
            summary.kept = kept_name(l);
            rename_noreplace(l.database(), *summary.kept);
            summary.finished_earlier_copy = true;
            return summary;
        }
        throw Error(summary.from + ": the inventory of " + dir.string() + " is there already");
    }

    const auto& source = authority.store().inventory();
    const auto source_sum = checksum(source);
    const auto source_rows = source.count();
    std::optional<fs::path> staging;  // a new SQLite file, renamed into place once whole
    {
        std::optional<db::Store> target;
        if (std::holds_alternative<db::PostgresDatabase>(to)) {
            // A CA already there with rows is a migration cut short after its copy (or another
            // inventory of the same CA): compared below, never written to.
            try {
                target = db::Store::open(to, db::Store::Open::CreateNew, fingerprint);
            } catch (const Error& e) {
                if (std::string(e.what()).find("already in") == std::string::npos) throw;
                target = db::Store::open(to, db::Store::Open::Existing, fingerprint);
            }
        } else if (fs::exists(l.database(), ec)) {
            target = db::Store::open(l.database(), db::Store::Open::Existing);
            if (target->ca_fingerprint() && *target->ca_fingerprint() != fingerprint) throw Error(target->where() + ": holds another CA's inventory");
        } else {
            refuse_leftover_journal(l.database());
            staging = dir / ".pkitool.db.migrating";
            fs::remove(*staging, ec);  // one a run cut short left: never whole
            for (const char* suffix : {"-wal", "-shm", "-journal"}) fs::remove(staging->string() + suffix, ec);
            target = db::Store::open(*staging, db::Store::Open::CreateNew);
            target->set_ca_fingerprint(fingerprint);
        }
        const auto differs = [&](const db::Inventory& t) {
            return checksum(t) != source_sum || t.count() != source_rows || t.last_crl_number() != source.last_crl_number();
        };
        if (target->count() == 0 && target->last_crl_number() == 0) {
            // Compared inside the copy's transaction: a copy that differs is never committed.
            const auto copied = db::copy_inventory(source, target->inventory(), [&](const db::Inventory& t) {
                if (differs(t)) throw Error(target->where() + ": the copy differs from " + summary.from + "; nothing was recorded there");
            });
            summary.rows = copied.rows;
            summary.revoked = copied.revoked;
            summary.last_crl_number = copied.last_crl_number;
        } else {
            if (differs(target->inventory()))
                throw Error(target->where() + ": already holds an inventory of this CA (" + std::to_string(target->count()) + " rows, last CRL number " +
                                std::to_string(target->last_crl_number()) + ") that is not the one in " + summary.from + " (" + std::to_string(source_rows) +
                                " rows, last CRL number " + std::to_string(source.last_crl_number()) + ")",
                            "the directory still uses " + summary.from + "; migrate to another database");
            summary.finished_earlier_copy = true;
            summary.rows = target->count();
            summary.last_crl_number = target->last_crl_number();
            summary.revoked = target->revocations().size();
        }
        summary.checksum = source_sum;
    }
    // The switch: the new file in place, the directory's record, then the old SQLite file set
    // aside under another name, so that nothing takes it for the current inventory again.
    opened.reset();  // the source closed: SQLite folds its WAL into pkitool.db before it is renamed
    if (std::holds_alternative<db::SqliteFile>(from)) refuse_leftover_journal(l.database());
    if (staging) rename_noreplace(*staging, l.database());
    record_location(l, to);
    if (std::holds_alternative<db::SqliteFile>(from)) {
        summary.kept = kept_name(l);
        rename_noreplace(l.database(), *summary.kept);
    }
    return summary;
}

}  // namespace pkitool::ca
