// Keras weights files → an n2d autoencoder. Keras 2.x save_weights writes the root attribute
// layer_names (the model's layers in order; split into layer_names0, layer_names1... when too
// large for one attribute), one group per layer with the attribute weight_names, and each
// weight as the dataset <layer>/<weight name>; a Dense layer has "<layer>/kernel:0" of shape
// (in, out) and "<layer>/bias:0" of shape (out). A whole-model save (model.save) keeps the same
// under the group model_weights. Kernels are row-major (in, out), as n2d stores them.
#include <cmath>

#include "n2d/core/error.hpp"
#include "n2d/data/detail/hdf5.hpp"
#include "n2d/nn/detail/keras_weights.hpp"
#include "n2d/nn/detail/network.hpp"

namespace n2d::inline v0::nn {

namespace {

struct Dense {
    std::string name;
    hdf5::FloatArray kernel, bias;
};

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
    std::string t = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) t += (i ? ", " : "") + std::to_string(shape[i]);
    return t + (shape.size() == 1 ? ",)" : ")");
}

std::vector<std::string> layer_names(const hdf5::File& f, const std::string& root, const std::string& where) {
    if (f.has_attribute(root, "layer_names")) return f.string_attribute(root, "layer_names");
    std::vector<std::string> names;
    for (int i = 0; f.has_attribute(root, "layer_names" + std::to_string(i)); ++i)
        for (auto& n : f.string_attribute(root, "layer_names" + std::to_string(i))) names.push_back(std::move(n));
    N2D_REQUIRE(!names.empty(), where + "HDF5 file without the attribute layer_names: not a Keras weights file (Keras "
                                        "save_weights / model.save writes it)");
    return names;
}

// The Dense layers of the file, in layer_names order; layers without weights are skipped.
std::vector<Dense> dense_layers(const hdf5::File& f, const std::string& where) {
    const std::string root = f.is_group("model_weights") && !f.has_attribute("/", "layer_names") ? "model_weights/" : "";
    std::vector<Dense> out;
    for (const std::string& layer : layer_names(f, root.empty() ? "/" : root, where)) {
        N2D_REQUIRE(f.is_group(root + layer),
                    where + "layer_names lists \"" + layer + "\" but the file has no group of that name");
        const auto weights = f.string_attribute(root + layer, "weight_names");
        if (weights.empty()) continue;  // input, dropout, activation...: nothing to load
        Dense d{layer, {}, {}};
        for (const std::string& w : weights) {
            const std::string path = root + layer + "/" + w;
            N2D_REQUIRE(f.exists(path), where + "layer \"" + layer + "\" names the weight \"" + w +
                                            "\" but the file does not hold it (dataset " + path + " missing)");
            hdf5::FloatArray a = f.read_floats(path);
            if (ends_with(w, "kernel:0") && a.shape.size() == 2 && d.kernel.shape.empty())
                d.kernel = std::move(a);
            else if (ends_with(w, "bias:0") && a.shape.size() == 1 && d.bias.shape.empty())
                d.bias = std::move(a);
            else
                N2D_FAIL("n2d: " + where + "layer \"" + layer + "\" has the weight \"" + w + "\" of shape " + shape_text(a.shape) +
                         "; n2d reads autoencoders of Dense layers (a kernel (in, out) and a bias (out,) each)");
        }
        N2D_REQUIRE(!d.kernel.shape.empty() && !d.bias.shape.empty() && d.bias.shape[0] == d.kernel.shape[1],
                    where + "layer \"" + layer + "\" is not a Dense layer with a bias (kernel " +
                        shape_text(d.kernel.shape) + ", bias " + shape_text(d.bias.shape) + ")");
        out.push_back(std::move(d));
    }
    return out;
}

}  // namespace

std::unique_ptr<Autoencoder::State> keras_state(std::vector<unsigned char> bytes, const std::string& path) {
    const std::string where = path + ": ";  // N2D_REQUIRE adds "n2d: "
    const hdf5::File f(std::move(bytes), path);
    const std::vector<Dense> layers = dense_layers(f, where);
    std::string chain;  // the shapes, for messages
    for (const Dense& d : layers) chain += (chain.empty() ? "" : ", ") + d.name + " " + shape_text(d.kernel.shape);
    const std::string expected = " (n2d reads the N2D paper's autoencoder: Dense layers input → hidden… → latent → "
                                 "…hidden → input, the decoder mirroring the encoder; this file has: " + chain + ")";
    N2D_REQUIRE(layers.size() >= 4 && layers.size() % 2 == 0,
                where + std::to_string(layers.size()) + " Dense layers: not an autoencoder with at least one hidden "
                        "layer" + expected);
    for (std::size_t l = 1; l < layers.size(); ++l)
        N2D_REQUIRE(layers[l].kernel.shape[0] == layers[l - 1].kernel.shape[1],
                    where + "layer \"" + layers[l].name + "\" takes " + std::to_string(layers[l].kernel.shape[0]) +
                        " inputs but \"" + layers[l - 1].name + "\" gives " + std::to_string(layers[l - 1].kernel.shape[1]) +
                        ": the layers do not form a chain" + expected);
    const std::size_t n = layers.size(), half = n / 2;
    for (std::size_t l = 0; l < half; ++l)
        N2D_REQUIRE(layers[n - 1 - l].kernel.shape[0] == layers[l].kernel.shape[1] &&
                        layers[n - 1 - l].kernel.shape[1] == layers[l].kernel.shape[0],
                    where + "layer \"" + layers[n - 1 - l].name + "\" " + shape_text(layers[n - 1 - l].kernel.shape) +
                        " does not mirror \"" + layers[l].name + "\" " + shape_text(layers[l].kernel.shape) + expected);

    AutoencoderOptions o;  // the paper's activations: ReLU hidden, linear latent and output
    o.architecture.clear();
    for (std::size_t l = 0; l + 1 < half; ++l) o.architecture.push_back(static_cast<std::size_t>(layers[l].kernel.shape[1]));
    o.latent_dim = static_cast<std::size_t>(layers[half - 1].kernel.shape[1]);
    std::unique_ptr<Autoencoder::State> s;
    try {
        s = std::make_unique<Autoencoder::State>(static_cast<std::size_t>(layers[0].kernel.shape[0]), std::move(o));
    } catch (const Error& e) {
        const std::string why = e.what();
        N2D_FAIL("n2d: " + where + "the Keras network does not fit n2d's limits (" +
                 (why.rfind("n2d: ", 0) == 0 ? why.substr(5) : why) + ")");
    }
    const Layout& L = s->layout;
    std::vector<float> host(L.size(), 0.0f);
    for (std::size_t l = 0; l < n; ++l) {
        const Dense& d = layers[l];
        for (float v : d.kernel.values)
            N2D_REQUIRE(std::isfinite(v), where + "layer \"" + d.name + "\" holds a non-finite weight");
        for (float v : d.bias.values)
            N2D_REQUIRE(std::isfinite(v), where + "layer \"" + d.name + "\" holds a non-finite bias");
        std::copy(d.kernel.values.begin(), d.kernel.values.end(), host.begin() + static_cast<std::ptrdiff_t>(L.w(l)));
        std::copy(d.bias.values.begin(), d.bias.values.end(), host.begin() + static_cast<std::ptrdiff_t>(L.b(l)));
    }
    s->upload(s->params, host);
    return s;
}

}  // namespace n2d::nn
