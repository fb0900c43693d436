// The filters of an inventory listing (`db list`).
#pragma once

#include "db/record.h"

#include <chrono>
#include <optional>
#include <string>

namespace pkitool::db {

// Filters not set are left out of the SQL, so that each query can use its index (neither SQLite
// nor PostgreSQL uses one for a clause like "?1 IS NULL OR not_after <= ?1").
struct Query {
    std::optional<Status> status;
    std::optional<std::chrono::seconds> expiring_within;  // valid and not_after <= now + window
    std::optional<std::string> subject_pattern;          // substring, case-insensitive (ASCII letters)
    Time now = std::chrono::floor<std::chrono::seconds>(Clock::now());
};

}  // namespace pkitool::db
