// One inventory's rows into another (`db migrate`, `db backup` of a PostgreSQL inventory): every
// row with its DER and revocation, the renewal links, and the cRLNumber.
#pragma once

#include "db/inventory.h"

#include <functional>

namespace pkitool::db {

struct CopySummary {
    size_t rows = 0;
    size_t revoked = 0;
    uint64_t last_crl_number = 0;
};

// Inside one transaction of `to`, which must hold no row yet: the copy is whole or absent.
// `check` runs on `to` before the commit, and throws to keep nothing. Error when `to` is not
// empty or refuses a row.
CopySummary copy_inventory(const Inventory& from, Inventory& to, const std::function<void(const Inventory&)>& check = {});

}  // namespace pkitool::db
