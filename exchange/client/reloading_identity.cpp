// Picking up a renewed certificate and key without a restart.
#include "exchange/client/reloading_identity.h"

#include "base/error.h"
#include "issue/serial.h"

#include <sys/stat.h>

#include <memory>

namespace pkitool::exchange {

namespace {

std::string serial_of(const Botan::X509_Certificate& cert) {
    const auto bytes = cert.serial_number();
    return issue::Serial::from(Botan::BigInt(bytes.data(), bytes.size())).hex();
}

}  // namespace

FileStamp FileStamp::of(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return {};
    return {static_cast<std::uintmax_t>(st.st_dev), static_cast<std::uintmax_t>(st.st_ino), static_cast<std::uintmax_t>(st.st_size),
            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec, true};
}

std::optional<std::string> validity_problem(const Botan::X509_Certificate& cert, Clock::time_point now) {
    if (now < cert.not_before().to_std_timepoint()) return "not valid until " + cert.not_before().readable_string();
    if (now > cert.not_after().to_std_timepoint()) return "expired on " + cert.not_after().readable_string();
    return std::nullopt;
}

ReloadingIdentity::ReloadingIdentity(std::vector<std::filesystem::path> files, Loader load, Warn warn)
    : files_(std::move(files)), load_(std::move(load)), warn_(std::move(warn)) {}

std::vector<FileStamp> ReloadingIdentity::stamps() const {
    std::vector<FileStamp> out;
    out.reserve(files_.size());
    for (const auto& f : files_) out.push_back(FileStamp::of(f));
    return out;
}

const SessionIdentity& ReloadingIdentity::current(Clock::time_point now) {
    // Stamps are taken before reading: a file replaced while it is read looks changed next time.
    auto now_stamps = stamps();
    if (!identity_) {
        identity_ = load_();
        seen_ = std::move(now_stamps);
        return *identity_;
    }
    if (now_stamps == seen_) return *identity_;
    seen_ = std::move(now_stamps);
    const auto keep = [&](const std::string& why) {
        warn_(why + "; still signing with the previous certificate (serial " + serial_of(identity_->leaf) +
              ") until the files are fixed");
    };
    try {
        auto fresh = load_();  // Error when the key is not the certificate's
        if (const auto problem = validity_problem(fresh.leaf, now)) {
            keep(fresh.certificate_path + ": the renewed certificate is " + *problem);
            return *identity_;
        }
        identity_ = std::move(fresh);
    } catch (const Error& e) {
        keep(std::string("renewed files not used: ") + e.what());
    } catch (const std::exception& e) {
        keep(std::string("renewed files not used: ") + e.what());
    }
    return *identity_;
}

}  // namespace pkitool::exchange
