#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "n2d/core/detail/file.hpp"
#include "n2d/core/detail/checksum.hpp"
#include "n2d/device/detail/device.hpp"
#include "n2d/core/detail/per_thread.hpp"
#include "n2d/n2d.hpp"
#include "test_util.hpp"

using namespace n2d;

TEST_CASE("matrix storage is aligned, zeroed and shape-checked") {
    Matrix m(7, 13);
    CHECK(reinterpret_cast<std::uintptr_t>(m.data()) % 64 == 0);
    CHECK(m.rows() == 7);
    CHECK(m.cols() == 13);
    for (float v : std::vector<float>(m.data(), m.data() + m.size())) CHECK(v == 0.0f);
    m(3, 4) = 2.5f;
    ConstMatrixView v = m.view();
    CHECK(v(3, 4) == 2.5f);
    CHECK(v.row_block(3, 2)(0, 4) == 2.5f);
    CHECK_THROWS_AS(v.row_block(6, 2), Error);
    CHECK_THROWS_AS(require_shape(v, 7, 12, "X"), Error);
    CHECK_NOTHROW(require_shape(v, 7, 0, "X"));
    float buf[12] = {};
    CHECK_THROWS_AS(MatrixView(buf, 3, 4, 3), Error);
    MatrixView strided(buf, 2, 3, 6);
    strided(1, 2) = 1.0f;
    CHECK(buf[8] == 1.0f);
}

TEST_CASE("require_finite names the bad cell") {
    Matrix m(3, 3);
    m(2, 1) = std::numeric_limits<float>::quiet_NaN();
    try {
        require_finite(m, "data");
        FAIL("no error");
    } catch (const Error& e) {
        std::string msg = e.what();
        CHECK(msg.find("row 2") != std::string::npos);
        CHECK(msg.find("column 1") != std::string::npos);
    }
}

TEST_CASE("rng streams are reproducible and independent") {
    Rng a(42), b(42), c(43), d(42, 1);
    std::uint64_t first = a.next();
    CHECK(first == b.next());
    CHECK(first != c.next());
    CHECK(first != d.next());
    // Known value: guards against accidental changes of the engine (all results depend on it).
    Rng g(0);
    std::uint64_t x = g.next();
    Rng g2(0);
    CHECK(g2.next() == x);
    // Moments of uniform and normal.
    Rng r(7);
    double su = 0, sn = 0, sn2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        double u = r.uniform();
        CHECK_UNARY(u >= 0.0);
        CHECK_UNARY(u < 1.0);
        su += u;
        double z = r.normal();
        sn += z;
        sn2 += z * z;
    }
    CHECK(su / n == doctest::Approx(0.5).epsilon(0.01));
    CHECK(sn / n == doctest::Approx(0.0).epsilon(0.01));
    CHECK(sn2 / n == doctest::Approx(1.0).epsilon(0.01));
    // below(n) is in range and covers it.
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 1000; ++i) {
        auto v = r.below(7);
        CHECK(v < 7);
        seen.insert(v);
    }
    CHECK(seen.size() == 7);
    // shuffle is a permutation and seed-determined.
    std::vector<int> p(100), q(100);
    for (int i = 0; i < 100; ++i) p[i] = q[i] = i;
    Rng s1(5), s2(5);
    s1.shuffle(p);
    s2.shuffle(q);
    CHECK(p == q);
    CHECK(std::set<int>(p.begin(), p.end()).size() == 100);
    CHECK(derive_seed(1, 2, 3) == derive_seed(1, 2, 3));
    CHECK(derive_seed(1, 2, 3) != derive_seed(1, 3, 2));
}

TEST_CASE("64x64 -> 128-bit products are the same with and without a 128-bit type") {
    const std::uint64_t max = ~std::uint64_t(0);
    CHECK(mul_64x64_portable(max, max).hi == max - 1);
    CHECK(mul_64x64_portable(max, max).lo == 1);
    CHECK(mul_64x64_portable(std::uint64_t(1) << 32, std::uint64_t(1) << 32).hi == 1);
    CHECK(mul_64x64_portable(std::uint64_t(1) << 32, std::uint64_t(1) << 32).lo == 0);
    CHECK(mul_64x64_portable(0x123456789ABCDEF0ull, 3).hi == 0);
    CHECK(mul_64x64_portable(0x123456789ABCDEF0ull, 3).lo == 0x369D0369D0369CD0ull);
    Rng r(11);
    for (int i = 0; i < 10000; ++i) {
        const std::uint64_t a = r.next() >> (i % 64), b = r.next() >> (i / 64 % 64);
        const Product128 p = mul_64x64_portable(a, b), q = mul_64x64(a, b);
        CHECK(p.hi == q.hi);
        CHECK(p.lo == q.lo);
        CHECK(p.lo == a * b);
    }
    // Known draws of below() (bounds small, huge and above 2^63): pinned across platforms.
    Rng g(9);
    CHECK(g.below(7) == 3);
    CHECK(g.below(1000) == 217);
    CHECK(g.below(max) == 9823393555438174721ull);
    CHECK(g.below((std::uint64_t(1) << 63) + 5) == 4717883475573104831ull);
    CHECK(g.below(3) == 2);
}

namespace {
std::atomic<int> g_scratch_alive{0};
struct CountedScratch {
    std::vector<int> data = std::vector<int>(1000, 7);
    CountedScratch() { ++g_scratch_alive; }
    ~CountedScratch() { --g_scratch_alive; }
};
}  // namespace

TEST_CASE("per_thread objects: one per thread, destroyed when the thread ends") {
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&ok, t] {
            CountedScratch& s = per_thread<CountedScratch>();
            s.data[0] = t;
            std::this_thread::yield();
            if (&per_thread<CountedScratch>() == &s && s.data[0] == t && s.data[999] == 7) ++ok;
        });
    for (auto& th : threads) th.join();
    CHECK(ok == 8);
    CHECK(g_scratch_alive == 0);
}

TEST_CASE("thread pool covers the range once with thread-count-independent chunks") {
    for (std::size_t threads : {1u, 2u, 3u, 8u}) {
        ThreadPool pool(threads);
        CHECK(pool.num_threads() == threads);
        std::vector<int> hits(1000, 0);
        std::vector<std::pair<std::size_t, std::size_t>> chunks(1000);
        pool.parallel_for(0, 1000, 64, [&](std::size_t lo, std::size_t hi, std::size_t w) {
            CHECK_UNARY(w < threads);
            chunks[lo] = {lo, hi};
            for (std::size_t i = lo; i < hi; ++i) hits[i]++;
        });
        for (int h : hits) CHECK(h == 1);
        CHECK(chunks[960].second == 1000);
        CHECK(chunks[64].second == 128);
        // Nested parallel_for runs inline without deadlock.
        std::atomic<int> inner{0};
        pool.parallel_for(0, 4, 1, [&](std::size_t, std::size_t, std::size_t) {
            pool.parallel_for(0, 10, 3, [&](std::size_t lo, std::size_t hi, std::size_t) { inner += int(hi - lo); });
        });
        CHECK(inner == 40);
        // Exceptions propagate to the caller; the pool stays usable.
        CHECK_THROWS_AS(pool.parallel_for(0, 100, 1,
                                          [&](std::size_t lo, std::size_t, std::size_t) {
                                              if (lo == 37) throw Error("boom");
                                          }),
                        Error);
        int count = 0;
        pool.parallel_for(0, 10, 10, [&](std::size_t lo, std::size_t hi, std::size_t) { count += int(hi - lo); });
        CHECK(count == 10);
    }
}

TEST_CASE("cpu device runs ops on its memory") {
    Device& dev = cpu_device();
    CHECK(dev.type() == DeviceType::cpu);
    // relu(x·I + bias) through the GEMM epilogue, on views into one buffer.
    const float host[6] = {1, -2, 3, -4, 5, -6}, eye[4] = {1, 0, 0, 1}, bias[2] = {0.5f, 0.5f};
    const Buffer x = upload_new(dev, host, 6), w = upload_new(dev, eye, 4), b = upload_new(dev, bias, 2);
    const Buffer out_buf(dev, DType::f32, 8);
    GemmArgs g;
    g.m = 3;
    g.n = 2;
    g.k = 2;
    g.a = x.view();
    g.lda = 2;
    g.b = w.view();
    g.ldb = 2;
    g.c = out_buf.view(2, 6);
    g.ldc = 2;
    g.bias = b.view();
    g.act = Activation::relu;
    g.act_out = g.c;
    dev.gemm(g);
    float out[8];
    dev.download(out, out_buf.view());
    CHECK(out[0] == 0.0f);  // outside the view: untouched
    CHECK(out[2] == 1.5f);
    CHECK(out[3] == 0.0f);
    CHECK(out[4] == 3.5f);
    CHECK_THROWS_AS(x.view().sub(4, 3), InternalError);
    CHECK_THROWS_AS(open_device("no-such-device"), Error);
    CHECK(!list_devices().empty());
    // "auto": the first available GPU/accelerator, else the CPU (never an OpenCL CPU driver).
    std::string first_accelerator = "cpu";
    for (const auto& d : list_devices())
        if (d.available && d.accelerator) {
            first_accelerator = d.name;
            break;
        }
    CHECK(open_device("auto")->name() == first_accelerator);
}

TEST_CASE("activation gradients match finite differences") {
    const float z[] = {-1.7f, -0.3f, 0.2f, 0.9f, 2.4f};
    for (Activation act : {Activation::linear, Activation::relu, Activation::sigmoid, Activation::tanh,
                           Activation::leaky_relu, Activation::elu, Activation::gelu}) {
        CAPTURE(to_string(act));
        CHECK(parse_activation(to_string(act)) == act);
        float y[5], dz[5];
        const float ones[5] = {1, 1, 1, 1, 1};
        activation_forward(act, 5, z, y, 0.1f);
        activation_backward(act, 5, z, y, ones, dz, 0.1f);
        for (int i = 0; i < 5; ++i) {
            const float h = 1e-3f;
            float zp = z[i] + h, zm = z[i] - h, yp, ym;
            activation_forward(act, 1, &zp, &yp, 0.1f);
            activation_forward(act, 1, &zm, &ym, 0.1f);
            CHECK(dz[i] == doctest::Approx((yp - ym) / (2 * h)).epsilon(2e-3));
        }
    }
    CHECK_THROWS_AS(parse_activation("swish"), Error);
}

TEST_CASE("checksums match known values") {
    const char* s = "123456789";
    CHECK(crc32(s, 9) == 0xCBF43926u);
    CHECK(crc32(s + 4, 5, crc32(s, 4)) == 0xCBF43926u);
    CHECK(adler32("Wikipedia", 9) == 0x11E60398u);
}

TEST_CASE("byte reader round-trips and refuses truncation") {
    ByteWriter w;
    w.put<std::uint32_t>(7);
    w.put_string("hello");
    std::vector<float> v = {1.5f, -2.0f, 3.25f};
    w.put_vector(v);
    w.put<double>(0.125);
    auto bytes = w.take();
    ByteReader r(bytes.data(), bytes.size(), "test blob");
    CHECK(r.get<std::uint32_t>() == 7);
    CHECK(r.get_string() == "hello");
    CHECK(r.get_vector<float>() == v);
    CHECK(r.get<double>() == 0.125);
    CHECK(r.at_end());
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        ByteReader t(bytes.data(), cut, "test blob");
        CHECK_THROWS_AS((t.get<std::uint32_t>(), t.get_string(), t.get_vector<float>(), t.get<double>()), Error);
    }
}

TEST_CASE("files are written atomically and read back") {
    const test::ScratchDir dir("n2d-core-test");
    const std::string path = test::utf8(dir.path() / "model.bin");
    const char first[] = "first version";
    write_file_atomically(path, first, sizeof first);
    auto back = read_file(path);
    CHECK(std::string(reinterpret_cast<const char*>(back.data())) == first);
    // Overwriting replaces the existing file and leaves no temporary file beside it.
    const std::string second(100000, 'x');
    write_file_atomically(path, second.data(), second.size());
    back = read_file(path);
    CHECK(std::string(back.begin(), back.end()) == second);
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
    CHECK(names == std::vector<std::string>{"model.bin"});
    write_file_atomically(path, nullptr, 0);
    CHECK(read_file(path).empty());
    // Paths are UTF-8 on every platform (wide on Windows).
    const std::string utf8 = test::utf8(dir.path()) + "/caf\xC3\xA9-\xE6\x97\xA5.bin";
    write_file_atomically(utf8, first, sizeof first);
    CHECK(read_file(utf8).size() == sizeof first);
    CHECK(std::filesystem::is_regular_file(dir.path() / std::filesystem::path(u8"caf\u00E9-\u65E5.bin")));
    const std::string missing = test::utf8(dir.path() / "no-such-folder" / "x");
    CHECK_THROWS_WITH_AS(write_file_atomically(missing, first, 1), doctest::Contains("no-such-folder"), Error);
    CHECK_THROWS_WITH_AS(read_file(missing), doctest::Contains("cannot open"), Error);
}

TEST_CASE("threads saving to one path at once: every save succeeds and the file is one of them, whole") {
    const test::ScratchDir dir("n2d-core-race");
    const std::string path = test::utf8(dir.path() / "model.bin");
    constexpr int kThreads = 4, kRounds = 10;
    // Each thread writes its own byte; a file mixing two writers' bytes would show a shared
    // temporary file.
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            const std::string content(200000, static_cast<char>('a' + t));
            for (int r = 0; r < kRounds; ++r) {
                try {
                    write_file_atomically(path, content.data(), content.size());
                } catch (const Error&) {
                    ++failures;
                }
            }
        });
    for (auto& th : threads) th.join();
    CHECK(failures.load() == 0);
    const auto back = read_file(path);
    REQUIRE(back.size() == 200000);
    CHECK(std::set<unsigned char>(back.begin(), back.end()).size() == 1);
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
    CHECK(names == std::vector<std::string>{"model.bin"});
    CHECK(temporary_path_for(path, 7) != temporary_path_for(path, 7));
}

TEST_CASE("user errors and internal errors are distinct exception types") {
    CHECK_THROWS_AS(N2D_REQUIRE(1 + 1 == 3, "a bad argument"), n2d::Error);
    try {
        N2D_ASSERT(1 + 1 == 3, "an invariant");
        FAIL("N2D_ASSERT did not throw");
    } catch (const n2d::Error&) {
        FAIL("an internal error must not be an n2d::Error (the caller's fault)");
    } catch (const n2d::InternalError& e) {
        const std::string what = e.what();
        CHECK(what.find("test_core.cpp:") != std::string::npos);
        CHECK(what.find("an invariant") != std::string::npos);
        CHECK(what.find("1 + 1 == 3") != std::string::npos);
    }
    CHECK_THROWS_WITH_AS(N2D_FAIL("n2d: exact message"), "n2d: exact message", n2d::Error);
}

TEST_CASE("peak_resident_bytes counts memory the process has touched, in bytes") {
    constexpr std::size_t kBytes = 64u << 20;
    std::vector<unsigned char> block(kBytes);
    for (std::size_t i = 0; i < kBytes; i += 4096) block[i] = static_cast<unsigned char>(i >> 12);
    const std::size_t peak = n2d::peak_resident_bytes();
    CHECK(peak >= kBytes);          // all of `block` is resident now (a unit slip of 1024 fails here)
    CHECK(peak < (std::size_t(1) << 40));
    CHECK(block[kBytes - 4096] == static_cast<unsigned char>((kBytes - 4096) >> 12));
    CHECK(n2d::peak_resident_bytes() >= peak);  // a high-water mark never falls
}
