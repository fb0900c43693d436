// The control plane's state in SQLite, for `emulate` with a state file: internal to exchange/emulator/.
// The emulator's only SQL: schema migrations by version, prepared statements with bound values
// only, one transaction per change.
#pragma once

#include "exchange/emulator/control_state.h"
#include "exchange/emulator/subject_log.h"

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

struct sqlite3;

namespace pkitool::exchange {

class StateStore {
public:
    // Opens `path`, creating it (mode 0600: it keeps the administrator's secret) when missing, and
    // holds it exclusively until closed, so that two emulators never share one state. Error naming
    // the file when it cannot be opened or created, is not a state file, has a newer schema, or
    // another process holds it.
    static std::unique_ptr<StateStore> open(const std::filesystem::path& path);
    ~StateStore();
    StateStore(const StateStore&) = delete;
    StateStore& operator=(const StateStore&) = delete;

    // Everything the file holds (a new file: nothing, not initialized). Error naming the file and
    // the row when a kept certificate or CRL no longer parses.
    ControlSnapshot load() const;
    // Writes what differs from `before` in `after`, in one transaction: resources are immutable
    // and shared between snapshots, so a changed one is a different object.
    void save(const ControlSnapshot& before, const ControlSnapshot& after);

    // The subjects kept (SubjectLog), and one subject written whole, with `evicted` removed, in one transaction.
    std::vector<SubjectResource> load_subjects() const;
    void save_subject(const SubjectResource& subject, const std::optional<std::string>& evicted);

    const std::filesystem::path& path() const { return path_; }
    int schema_version() const;

private:
    StateStore(sqlite3* db, std::filesystem::path path);
    void exec(const char* sql) const;
    void migrate();

    mutable std::mutex mutex_;  // the connection is shared by the control plane's changes and CreateSession's subjects
    sqlite3* db_;
    std::filesystem::path path_;
};

}  // namespace pkitool::exchange
