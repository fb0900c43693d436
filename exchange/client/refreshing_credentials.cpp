// On-demand refresh of session credentials.
#include "exchange/client/refreshing_credentials.h"

#include "base/error.h"

namespace pkitool::exchange {

std::variant<RefreshingCredentials::Snapshot, CredentialsFailure> RefreshingCredentials::get(Clock::time_point now) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (current_ && still_fresh(current_->credentials, now)) return *current_;
    std::string reason;
    try {
        current_ = Snapshot{source_(), now};
        return *current_;
    } catch (const Error& e) {
        reason = e.what();
    } catch (const std::exception& e) {
        reason = e.what();
    }
    if (current_ && now < current_->credentials.expiration) return *current_;
    current_.reset();
    return CredentialsFailure{reason};
}

}  // namespace pkitool::exchange
