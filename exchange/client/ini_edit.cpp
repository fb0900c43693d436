// Locked, bounded, atomic edits of the AWS CLI's INI files.
#include "exchange/client/ini_edit.h"

#include "base/error.h"
#include "base/file_lock.h"
#include "base/files.h"

namespace pkitool::exchange {

void edit_ini_file(const std::filesystem::path& link_or_file, const IniEdit& edit) {
    namespace fs = std::filesystem;
    std::error_code ec;
    // ~/.aws/config is often a link into a dotfiles repository: edit the file it names, so the
    // link stays and the repository sees the change. A dangling link is replaced, as before.
    fs::path path = link_or_file;
    if (fs::is_symlink(link_or_file, ec) && fs::exists(link_or_file, ec)) {
        path = fs::canonical(link_or_file, ec);
        if (ec) throw Error(files::name_of(link_or_file) + ": cannot follow the link: " + ec.message());
    }
    const auto dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (!fs::exists(dir, ec)) files::make_directory(dir, files::Mode::Secret);
    files::FileLock lock(path.string() + ".lock");
    // Only a file that is not there (or a dangling link, replaced as before) reads as empty; one we
    // cannot inspect is files::read_text's error, never an empty file to write over.
    const bool missing = fs::status(path, ec).type() == fs::file_type::not_found;
    const std::string text = missing ? "" : files::read_text(path);
    files::write_atomic(path, edit(text), files::Mode::Secret, files::Overwrite::Yes);
}

}  // namespace pkitool::exchange
