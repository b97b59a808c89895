// Keras HDF5 weights (the N2D paper's save_weights files) and the HDF5 subset reader under
// them. The first byte picks: bit 0 clear, the file through Autoencoder::load_weights, and a
// network that loads encodes two rows; set, hdf5::File itself walks the groups (a few levels,
// a few links each), reading the string attributes Keras uses and every dataset as floats.
#include "fuzz_util.hpp"
#include "n2d/data/detail/hdf5.hpp"
#include "n2d/nn/autoencoder.hpp"

namespace {

void walk(const n2d::hdf5::File& f, const std::string& path, int depth) {
    for (const char* a : {"layer_names", "weight_names", "backend"})
        if (f.has_attribute(path, a)) (void)f.string_attribute(path, a);
    std::size_t n = 0;
    for (const std::string& child : f.children(path)) {
        if (++n > 16) break;
        const std::string p = path + "/" + child;
        if (f.is_group(p)) {
            if (depth < 3) walk(f, p, depth + 1);
        } else {
            n2d::fuzz::expect_errors([&] { (void)f.read_floats(p); });
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::vector<unsigned char> bytes(data + 1, data + size);
    n2d::fuzz::expect_errors([&] {
        if (data[0] & 1) {
            const n2d::hdf5::File f(bytes, "fuzz.h5");
            walk(f, "", 0);
            return;
        }
        const std::string path = n2d::fuzz::write_file("keras.h5", bytes.data(), bytes.size());
        const n2d::Autoencoder ae = n2d::Autoencoder::load_weights(path);
        if (ae.input_dim() == 0 || ae.input_dim() > 4096) return;
        n2d::Matrix x(2, ae.input_dim());
        (void)ae.encode(x);
    });
    return 0;
}
