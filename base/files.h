// Reading input files and writing outputs atomically, with the permissions pkitool promises.
#pragma once

#include "base/error.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pkitool::files {

namespace fs = std::filesystem;

enum class Mode { Public, Secret };  // 0644 or 0600
enum class Overwrite { No, Yes };

// The most pkitool reads from one certificate, key, CSR, CRL or configuration file (issue #8: a
// read of /dev/zero must end with an error, not std::bad_alloc). 4 MiB is ten times the largest
// CRL Roles Anywhere imports (300,000 characters).
constexpr size_t kMaxInputBytes = 4u << 20;

// "-" names standard input wherever a file is read (the command-line contract, as in openssl and
// curl); /dev/stdin works too, being a file. Standard input is capped like any other input.
bool is_stdin(const fs::path& path);
// What errors call an input: "standard input" for "-", else the path as given.
std::string name_of(const fs::path& path);

// Whole file as bytes; Error "PATH: cannot read: reason" when it cannot be read, and
// "PATH: larger than N MiB" past `max_bytes` (pipes and devices included).
std::vector<uint8_t> read(const fs::path& path, size_t max_bytes = kMaxInputBytes);
// The same into `out`, whose capacity is reused (lint reads thousands of files).
void read_into(const fs::path& path, std::vector<uint8_t>& out, size_t max_bytes = kMaxInputBytes);
// The error for an input past `max_bytes`.
Error too_large(const fs::path& path, size_t max_bytes = kMaxInputBytes);
std::string read_text(const fs::path& path, size_t max_bytes = kMaxInputBytes);

// Writes through a temporary file in the same directory, then renames it over `path`,
// so a reader never sees a half-written file. Secret files are created 0600 from the start.
void write_atomic(const fs::path& path, std::string_view data, Mode mode,
                  Overwrite overwrite = Overwrite::No);

// Refuses early (before any work is done) when an output exists and overwriting was not asked for.
void ensure_writable(const fs::path& path, Overwrite overwrite);

// Creates a directory with mode 0700 (private) or 0755; Error when it cannot.
void make_directory(const fs::path& path, Mode mode);

}  // namespace pkitool::files
