// TaskGraph (n2d/core/detail/task_graph.hpp): tasks that share a resource run in index order,
// one at a time; the others are not held back by barriers; exceptions reach the caller.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "n2d/core/detail/task_graph.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0::test {

namespace {

// Tasks naming 1 to 3 random resources (repeats included) out of n_resources.
void random_uses(std::size_t n_tasks, std::size_t n_resources, std::uint64_t seed, std::vector<std::uint32_t>& begin,
                 std::vector<std::uint32_t>& uses) {
    Rng rng(seed);
    begin.assign(1, 0);
    uses.clear();
    for (std::size_t t = 0; t < n_tasks; ++t) {
        const std::size_t k = 1 + rng.below(3);
        for (std::size_t i = 0; i < k; ++i) uses.push_back(static_cast<std::uint32_t>(rng.below(n_resources)));
        begin.push_back(static_cast<std::uint32_t>(uses.size()));
    }
}

}  // namespace

TEST_CASE("task graph: tasks sharing a resource run one at a time in index order, at any thread count") {
    const std::size_t n_tasks = 400, n_resources = 12;
    std::vector<std::uint32_t> begin, uses;
    random_uses(n_tasks, n_resources, 5, begin, uses);
    const TaskGraph graph(n_resources, begin, uses);
    REQUIRE(graph.size() == n_tasks);
    // The direct predecessors: one per distinct resource at most, all earlier, and the first
    // user of every resource has none on it.
    std::size_t roots = 0;
    for (std::size_t t = 0; t < n_tasks; ++t) {
        CHECK(graph.predecessors(t) <= begin[t + 1] - begin[t]);
        roots += graph.predecessors(t) == 0;
        for (const std::uint32_t* s = graph.successors_begin(t); s != graph.successors_end(t); ++s) CHECK(*s > t);
    }
    CHECK(roots >= 1);
    // What each resource's users should see: their index order.
    std::vector<std::vector<std::uint32_t>> expected(n_resources);
    for (std::size_t t = 0; t < n_tasks; ++t)
        for (std::size_t u = begin[t]; u < begin[t + 1]; ++u)
            if (expected[uses[u]].empty() || expected[uses[u]].back() != t)
                expected[uses[u]].push_back(static_cast<std::uint32_t>(t));
    for (std::size_t threads : {1u, 2u, 3u, 8u}) {
        CAPTURE(threads);
        ThreadPool pool(threads);
        TaskGraph g(n_resources, begin, uses);
        for (int run = 0; run < 3; ++run) {  // the graph is reusable
            // Each resource's log is written only by its users, which must not overlap (a
            // second holder is counted; TSan would also see the race).
            std::vector<std::vector<std::uint32_t>> log(n_resources);
            for (auto& l : log) l.reserve(n_tasks);
            std::vector<std::atomic<int>> holders(n_resources);
            std::atomic<int> overlaps{0}, calls{0}, bad_worker{0};
            g.run(pool, [&](std::size_t t, std::size_t worker) {
                ++calls;
                if (worker >= threads) ++bad_worker;
                std::uint32_t mine[3];
                std::size_t k = 0;
                for (std::size_t u = begin[t]; u < begin[t + 1]; ++u)
                    if (std::find(mine, mine + k, uses[u]) == mine + k) mine[k++] = uses[u];
                for (std::size_t i = 0; i < k; ++i) {
                    if (holders[mine[i]].fetch_add(1) != 0) ++overlaps;
                    log[mine[i]].push_back(static_cast<std::uint32_t>(t));
                }
                std::this_thread::yield();  // let other threads interleave
                for (std::size_t i = 0; i < k; ++i) holders[mine[i]].fetch_sub(1);
            });
            CHECK(calls == int(n_tasks));
            CHECK(bad_worker == 0);
            CHECK(overlaps == 0);
            CHECK(log == expected);
        }
    }
}

TEST_CASE("task graph: no barrier holds back a task whose resources are free") {
    // Task 0 uses resource 0 and does not finish before task 2 has: task 2 uses resource 1 only,
    // after task 1. Run as rounds ({0, 1}, then {2}) this could never finish; as a dataflow the
    // second thread runs tasks 1 and 2 while task 0 waits. (Timed out rather than hung if broken.)
    const std::vector<std::uint32_t> begin{0, 1, 2, 3, 5}, uses{0, 1, 1, 0, 1};
    for (std::size_t threads : {2u, 3u}) {
        ThreadPool pool(threads);
        TaskGraph g(2, begin, uses);
        CHECK(g.predecessors(0) == 0);
        CHECK(g.predecessors(2) == 1);
        CHECK(g.predecessors(3) == 2);
        std::atomic<bool> two_done{false}, timed_out{false};
        std::atomic<int> ran{0};
        g.run(pool, [&](std::size_t t, std::size_t) {
            if (t == 0) {
                const auto start = std::chrono::steady_clock::now();
                while (!two_done.load())
                    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(20)) {
                        timed_out = true;
                        break;
                    }
            }
            if (t == 2) two_done = true;
            ++ran;
        });
        CHECK(!timed_out);
        CHECK(ran == 4);
    }
}

TEST_CASE("task graph: an exception reaches the caller and the graph stays usable") {
    std::vector<std::uint32_t> begin, uses;
    random_uses(100, 4, 9, begin, uses);
    for (std::size_t threads : {1u, 2u}) {
        ThreadPool pool(threads);
        TaskGraph g(4, begin, uses);
        CHECK_THROWS_AS(g.run(pool,
                              [&](std::size_t t, std::size_t) {
                                  if (t == 37) throw Error("boom");
                              }),
                        Error);
        std::atomic<int> ran{0};
        g.run(pool, [&](std::size_t, std::size_t) { ++ran; });
        CHECK(ran == 100);
        TaskGraph empty(3, std::vector<std::uint32_t>{0}, {});
        empty.run(pool, [&](std::size_t, std::size_t) { ++ran; });
        CHECK(ran == 100);
    }
}

}  // namespace n2d::inline v0::test
