// The .n2d model loader from memory. The first byte's low bit asks the harness to recompute
// the header, table and section CRC-32s first, so mutations reach the section parsers (with
// the stored CRCs almost every mutation stops at the checksum). A model that loads predicts
// three rows, so a loaded but inconsistent model is found too.
#include "fuzz_util.hpp"
#include "n2d/core/detail/checksum.hpp"
#include "n2d/pipeline/n2d_pipeline.hpp"

namespace {

// Rewrites the CRCs the container checks, where the (possibly damaged) layout lets us find them.
void fix_crcs(std::vector<std::uint8_t>& v) {
    using n2d::fuzz::get_u64;
    if (v.size() < 64) return;
    const std::uint64_t count = v[24] | (v[25] << 8) | (std::uint64_t(v[26]) << 16) | (std::uint64_t(v[27]) << 24);
    if (count > 4096 || 64 + 64 * count > v.size()) return;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t e = 64 + 64 * i;
        const std::uint64_t offset = get_u64(v, e + 40), size = get_u64(v, e + 48);
        if (offset <= v.size() && size <= v.size() - offset)
            n2d::fuzz::put_u32(v, e + 56, n2d::crc32(v.data() + offset, static_cast<std::size_t>(size)));
    }
    n2d::fuzz::put_u32(v, 28, n2d::crc32(v.data() + 64, static_cast<std::size_t>(64 * count)));
    n2d::fuzz::put_u32(v, 60, n2d::crc32(v.data(), 60));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::vector<std::uint8_t> image(data + 1, data + size);
    if (data[0] & 1) fix_crcs(image);
    n2d::fuzz::expect_errors([&] {
        const n2d::N2D model = n2d::N2D::load_from_bytes(std::move(image), "fuzz.n2d");
        if (model.input_dim() == 0 || model.input_dim() > 4096) return;
        n2d::Matrix x(3, model.input_dim());
        for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(i % 7) / 7.0f;
        model.predict(x);
    });
    return 0;
}
