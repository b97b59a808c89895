// Our own PNG writer: 8-bit RGB, per-row adaptive filtering, our DEFLATE (n2d/plot/deflate.hpp),
// CRC-32 per chunk. No dependency. Output is deterministic: the same pixels give the same bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "n2d/plot/detail/deflate.hpp"

namespace n2d::inline v0 {

// PNG file bytes for `width × height` pixels of 8-bit RGB, rows top to bottom, 3 bytes per
// pixel, no row padding. Each row gets the filter (None, Sub, Up, Average, Paeth) with the
// smallest sum of absolute filtered values — the usual heuristic, good for flat-colour plots.
// Throws n2d::Error on a null buffer, a zero or too large size (PNG allows up to 2^31-1).
std::vector<unsigned char> encode_png(const std::uint8_t* rgb, std::size_t width, std::size_t height,
                                      const DeflateOptions& deflate = {});

// encode_png, then written atomically (temp file + rename): a failure leaves any old file intact.
void write_png(const std::string& path, const std::uint8_t* rgb, std::size_t width, std::size_t height,
               const DeflateOptions& deflate = {});

}  // namespace n2d
