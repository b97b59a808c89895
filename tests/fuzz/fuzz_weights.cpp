// Autoencoder weights. The first byte picks: the weights file through load_weights (bit 1
// set: the harness first rewrites the header's payload size and CRC-32 so mutations reach the
// payload parser), or the payload alone through Autoencoder::load(ByteReader&), as the model
// file embeds it. A network that loads encodes two rows.
#include "fuzz_util.hpp"
#include "n2d/core/bytes.hpp"
#include "n2d/core/detail/checksum.hpp"
#include "n2d/nn/autoencoder.hpp"

namespace {

void try_encode(const n2d::Autoencoder& ae) {
    if (ae.input_dim() == 0 || ae.input_dim() > 4096) return;
    n2d::Matrix x(2, ae.input_dim());
    ae.encode(x);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::vector<std::uint8_t> bytes(data + 1, data + size);
    n2d::fuzz::expect_errors([&] {
        if (data[0] & 1) {
            n2d::ByteReader in(bytes.data(), bytes.size(), "fuzz payload");
            try_encode(n2d::Autoencoder::load(in));
            return;
        }
        if ((data[0] & 2) && bytes.size() >= 64) {
            n2d::fuzz::put_u32(bytes, 12, n2d::crc32(bytes.data() + 64, bytes.size() - 64));
            const std::uint64_t payload = bytes.size() - 64;
            for (int i = 0; i < 8; ++i) bytes[16 + i] = static_cast<std::uint8_t>(payload >> (8 * i));
        }
        const std::string path = n2d::fuzz::write_file("weights.bin", bytes.data(), bytes.size());
        try_encode(n2d::Autoencoder::load_weights(path));
    });
    return 0;
}
