// pkitool as a drop-in for AWS's aws_signing_helper 1.8: run under that name (a symlink or hard
// link), it takes the helper's command line, so credential_process lines and unit files written
// for the helper work unchanged.
#pragma once

namespace pkitool::cli {

// True when argv[0]'s file name is aws_signing_helper.
bool invoked_as_signing_helper(const char* argv0);

// The helper's command table, parsed and run; every failure is one log line on stderr
// ("YYYY/MM/DD HH:MM:SS message") and exit 1, usage errors included, as the helper does.
int run_as_signing_helper(int argc, char** argv);

}  // namespace pkitool::cli
