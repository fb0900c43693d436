#include "ca/inventory_location.h"

#include "ca/authority.h"

#include "base/error.h"
#include "base/files.h"

#include <cstdlib>

namespace pkitool::ca {

db::Location parse_location(const std::string& text, const Layout& layout) {
    if (text == "sqlite") return db::SqliteFile{layout.database()};
    return db::PostgresDatabase::parse(text);
}

std::optional<db::Location> location_override(const Layout& layout) {
    const char* env = std::getenv("PKITOOL_DB");
    if (!env || !*env) return std::nullopt;
    try {
        return parse_location(env, layout);
    } catch (const Error& e) {
        throw Error(e.at("PKITOOL_DB")).with_hint("set it to sqlite or to a PostgreSQL connection string, or unset it");
    }
}

db::Location recorded_location(const Layout& layout) {
    std::error_code ec;
    if (!std::filesystem::exists(layout.inventory_url(), ec)) return db::SqliteFile{layout.database()};
    auto text = files::read_text(layout.inventory_url(), 4096);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    try {
        return db::PostgresDatabase::parse(text);
    } catch (const Error& e) {
        throw e.at(layout.inventory_url().string());
    }
}

db::Location inventory_location(const Layout& layout) {
    if (auto forced = location_override(layout)) return *forced;
    return recorded_location(layout);
}

void record_location(const Layout& layout, const db::Location& where) {
    if (const auto* pg = std::get_if<db::PostgresDatabase>(&where)) {
        files::write_atomic(layout.inventory_url(), pg->conninfo() + "\n", files::Mode::Public, files::Overwrite::Yes);
        return;
    }
    std::error_code ec;
    std::filesystem::remove(layout.inventory_url(), ec);
    if (ec) throw Error(layout.inventory_url().string() + ": cannot remove: " + ec.message());
}

}  // namespace pkitool::ca
