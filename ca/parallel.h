// Spreading independent signing work (key generation, signatures) over the machine's cores.
#pragma once

#include <cstddef>
#include <functional>

namespace pkitool::ca {

// How many workers parallel_for uses: the hardware threads, at least one.
size_t worker_count();

// Calls work(i, worker) for every i in [0, n), each worker on its own thread with its own index
// in [0, worker_count()), so callers can keep per-worker state (a PK_Signer is not thread-safe).
// The first exception thrown by any call is rethrown once every thread has stopped.
void parallel_for(size_t n, const std::function<void(size_t i, size_t worker)>& work);

}  // namespace pkitool::ca
