#include "db/copy.h"

#include "base/error.h"

namespace pkitool::db {

CopySummary copy_inventory(const Inventory& from, Inventory& to, const std::function<void(const Inventory&)>& check) {
    if (to.count() != 0) throw Error(to.where() + ": already holds certificates; an inventory is copied only into an empty one");
    CopySummary summary;
    std::vector<std::pair<issue::Serial, issue::Serial>> links;
    to.begin();
    try {
        from.each_row([&](const CertificateRecord& r) {
            if (!to.insert(r)) throw Error(to.where() + ": serial " + r.serial.hex() + " is there twice");
            if (r.superseded_by) links.emplace_back(r.serial, *r.superseded_by);
            ++summary.rows;
            if (r.revocation) ++summary.revoked;
        });
        // After every row, since a successor is recorded after the certificate it renews.
        for (const auto& [old, successor] : links)
            if (!to.set_superseded_by(old, successor)) throw Error(to.where() + ": cannot link " + old.hex() + " to its successor " + successor.hex());
        summary.last_crl_number = from.last_crl_number();
        to.continue_crl_numbers_after(summary.last_crl_number);
        if (check) check(to);
        to.commit();
    } catch (...) {
        to.rollback();
        throw;
    }
    return summary;
}

}  // namespace pkitool::db
