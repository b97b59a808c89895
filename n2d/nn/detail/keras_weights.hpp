// Internal: reading the N2D paper's Keras weights files (weights_io.cpp's load_weights calls it
// for HDF5 files).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "n2d/nn/autoencoder.hpp"

namespace n2d::inline v0::nn {

// The network stored in a Keras 2.x `save_weights` HDF5 file image: its Dense layers, in the
// order of the root attribute layer_names, must form a mirrored chain input → hidden… → latent
// → …hidden → input (the paper's encoder_0..encoder_{n-1}, decoder_{n-1}..decoder_0). The file
// holds no activations; the paper's are assumed: ReLU hidden layers, linear latent and output.
// Throws n2d::Error naming the file, the layer and the shape when it is not such a network.
std::unique_ptr<Autoencoder::State> keras_state(std::vector<unsigned char> bytes, const std::string& path);

}  // namespace n2d::nn
