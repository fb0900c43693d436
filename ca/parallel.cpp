// A minimal fork-join loop: an atomic index shared by a few threads, exceptions carried back.
#include "ca/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace pkitool::ca {

size_t worker_count() { return std::max(1u, std::thread::hardware_concurrency()); }

void parallel_for(size_t n, const std::function<void(size_t, size_t)>& work) {
    const size_t workers = std::min(worker_count(), n);
    if (workers <= 1) {
        for (size_t i = 0; i < n; ++i) work(i, 0);
        return;
    }
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;
    const auto run = [&](size_t worker) {
        for (size_t i; !failed && (i = next++) < n;) {
            try {
                work(i, worker);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!error) error = std::current_exception();
                failed = true;
            }
        }
    };
    std::vector<std::thread> threads;
    for (size_t w = 1; w < workers; ++w) threads.emplace_back(run, w);
    run(0);
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace pkitool::ca
