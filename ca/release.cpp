// Record, then write.
#include "ca/release.h"

#include "base/error.h"

namespace pkitool::ca {

void release(const Authority& ca, const Issued& issued, const ReleaseFiles& f, files::Overwrite overwrite, const std::string& context) {
    try {
        if (f.key) files::write_atomic(*f.key, f.key_pem, files::Mode::Secret, overwrite);
        files::write_atomic(f.certificate, issued.pem, files::Mode::Public, overwrite);
        if (f.chain) files::write_atomic(*f.chain, f.chain_pem, files::Mode::Public, overwrite);
    } catch (const Error& e) {
        throw Error(std::string(e.what()) + " (certificate " + issued.record.serial.hex() + " is recorded in the inventory" +
                    (context.empty() ? "" : "; " + context) + ")")
            .with_step(export_step(ca.layout().dir, issued.record.serial));
    }
}

}  // namespace pkitool::ca
