#include "n2d/model/detail/model_file.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/detail/file.hpp"

namespace n2d::inline v0 {

namespace {

// Header field offsets (FORMAT.md, "Header"). The first 64 bytes keep this framing in every
// format version so that a newer file is reported as "newer version", not as "corrupt".
constexpr std::size_t kOffVersion = 8, kOffEndian = 12, kOffFileSize = 16, kOffCount = 24, kOffTableCrc = 28,
                      kOffTableOffset = 32, kOffHeaderCrc = 60;
// Table entry field offsets.
constexpr std::size_t kEntName = 0, kEntOffset = 40, kEntSize = 48, kEntCrc = 56, kEntReserved = 60;
constexpr std::uint32_t kMaxSections = 4096;

std::uint64_t align_up(std::uint64_t v) { return (v + kModelAlignment - 1) / kModelAlignment * kModelAlignment; }

template <class T>
void store(std::vector<unsigned char>& buf, std::size_t at, T v) {
    std::memcpy(buf.data() + at, &v, sizeof v);  // little-endian hosts only (bytes.hpp asserts it)
}
template <class T>
T load(const std::vector<unsigned char>& buf, std::size_t at) {
    T v;
    std::memcpy(&v, buf.data() + at, sizeof v);
    return v;
}

bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > kModelSectionNameMax) return false;
    return std::all_of(name.begin(), name.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

}  // namespace

void ModelFileWriter::add(const std::string& name, std::vector<unsigned char> bytes) {
    N2D_REQUIRE(valid_name(name), "model section name '" + name + "' must be 1.." +
                                      std::to_string(kModelSectionNameMax) + " printable ASCII characters");
    for (const auto& s : sections_)
        N2D_REQUIRE(s.name != name, "model section '" + name + "' was added twice; section names must be unique");
    N2D_REQUIRE(sections_.size() < kMaxSections, "a model file holds at most " + std::to_string(kMaxSections) + " sections");
    sections_.push_back({name, std::move(bytes)});
}

std::vector<unsigned char> ModelFileWriter::serialize() const {
    const std::size_t table_end = kModelHeaderSize + kModelTableEntrySize * sections_.size();
    std::vector<std::uint64_t> offsets(sections_.size());
    std::uint64_t end = table_end;
    for (std::size_t i = 0; i < sections_.size(); ++i) {
        offsets[i] = align_up(end);
        end = offsets[i] + sections_[i].bytes.size();
    }
    std::vector<unsigned char> out(static_cast<std::size_t>(end), 0);
    for (std::size_t i = 0; i < sections_.size(); ++i) {
        const auto& s = sections_[i];
        const std::size_t e = kModelHeaderSize + i * kModelTableEntrySize;
        std::memcpy(out.data() + e + kEntName, s.name.data(), s.name.size());
        store<std::uint64_t>(out, e + kEntOffset, offsets[i]);
        store<std::uint64_t>(out, e + kEntSize, s.bytes.size());
        store<std::uint32_t>(out, e + kEntCrc, crc32(s.bytes.data(), s.bytes.size()));
        if (!s.bytes.empty()) std::memcpy(out.data() + offsets[i], s.bytes.data(), s.bytes.size());
    }
    std::memcpy(out.data(), kModelMagic, sizeof kModelMagic);
    store<std::uint32_t>(out, kOffVersion, kModelFormatVersion);
    store<std::uint32_t>(out, kOffEndian, kModelEndianTag);
    store<std::uint64_t>(out, kOffFileSize, end);
    store<std::uint32_t>(out, kOffCount, static_cast<std::uint32_t>(sections_.size()));
    store<std::uint32_t>(out, kOffTableCrc, crc32(out.data() + kModelHeaderSize, table_end - kModelHeaderSize));
    store<std::uint64_t>(out, kOffTableOffset, kModelHeaderSize);
    store<std::uint32_t>(out, kOffHeaderCrc, crc32(out.data(), kOffHeaderCrc));
    return out;
}

void ModelFileWriter::write(const std::string& path) const {
    const auto image = serialize();
    write_file_atomically(path, image.data(), image.size());
}

ModelFile ModelFile::read(const std::string& path) { return parse(read_file(path), path); }

ModelFile ModelFile::parse(std::vector<unsigned char> image, const std::string& source) {
    const std::string where = "model file '" + source + "'";
    auto fail = [&](const std::string& what, std::uint64_t offset, const std::string& fix) -> void {
        N2D_FAIL("n2d: " + where + ": " + what + " at byte offset " + std::to_string(offset) + "; " + fix);
    };
    const std::string corrupt_fix = "the file is corrupt or truncated; save the model again";
    const std::uint64_t size = image.size();

    if (size < sizeof kModelMagic || std::memcmp(image.data(), kModelMagic, sizeof kModelMagic) != 0)
        fail("not an n2d model (the file does not start with the .n2d magic bytes)", 0,
             "pass a file written by `n2d fit --model-out` or N2D::save");
    if (size < kModelHeaderSize)
        fail("truncated header: " + std::to_string(size) + " of " + std::to_string(kModelHeaderSize) + " bytes", size,
             corrupt_fix);
    const auto header_crc = load<std::uint32_t>(image, kOffHeaderCrc);
    if (crc32(image.data(), kOffHeaderCrc) != header_crc)
        fail("header checksum mismatch (stored " + hex32(header_crc) + ", computed " +
                 hex32(crc32(image.data(), kOffHeaderCrc)) + ")",
             kOffHeaderCrc, corrupt_fix);
    const auto endian = load<std::uint32_t>(image, kOffEndian);
    if (endian != kModelEndianTag)
        fail("endianness tag " + hex32(endian) + " (expected " + hex32(kModelEndianTag) +
                 ", little-endian); this file was written on a big-endian machine",
             kOffEndian, "re-save the model on a little-endian machine");
    const auto version = load<std::uint32_t>(image, kOffVersion);
    if (version != kModelFormatVersion)
        fail("format version " + std::to_string(version) + " is not supported (this n2d reads version " +
                 std::to_string(kModelFormatVersion) + ")",
             kOffVersion,
             version > kModelFormatVersion ? "use the newer n2d that wrote it" : "re-save the model with this n2d");
    const auto declared = load<std::uint64_t>(image, kOffFileSize);
    if (declared != size)
        fail("the header declares " + std::to_string(declared) + " bytes but the file has " + std::to_string(size) +
                 (size < declared ? " (truncated)" : " (trailing data)"),
             std::min(size, declared), corrupt_fix);
    const auto count = load<std::uint32_t>(image, kOffCount);
    const auto table_offset = load<std::uint64_t>(image, kOffTableOffset);
    if (table_offset != kModelHeaderSize) fail("section table offset " + std::to_string(table_offset), kOffTableOffset, corrupt_fix);
    for (std::size_t b = kOffTableOffset + 8; b < kOffHeaderCrc; ++b)
        if (image[b] != 0) fail("non-zero reserved header byte", b, corrupt_fix);
    if (count > kMaxSections) fail("section count " + std::to_string(count), kOffCount, corrupt_fix);
    const std::uint64_t table_end = kModelHeaderSize + std::uint64_t(kModelTableEntrySize) * count;
    if (table_end > size) fail("the section table runs past the end of the file", size, corrupt_fix);
    const auto table_crc = load<std::uint32_t>(image, kOffTableCrc);
    if (crc32(image.data() + kModelHeaderSize, table_end - kModelHeaderSize) != table_crc)
        fail("section table checksum mismatch", kModelHeaderSize, corrupt_fix);

    ModelFile mf;
    mf.source_ = source;
    mf.version_ = version;
    std::uint64_t expected_offset = table_end;  // canonical layout: sections in table order, 64-aligned
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::size_t e = kModelHeaderSize + std::size_t(i) * kModelTableEntrySize;
        const char* name_bytes = reinterpret_cast<const char*>(image.data() + e + kEntName);
        ModelSectionInfo s;
        s.name.assign(name_bytes, strnlen(name_bytes, kModelSectionNameMax + 1));
        if (!valid_name(s.name)) fail("section " + std::to_string(i) + " has an invalid name", e, corrupt_fix);
        for (std::size_t b = e + kEntName + s.name.size(); b < e + kEntOffset; ++b)
            if (image[b] != 0) fail("section '" + s.name + "': non-zero name padding", b, corrupt_fix);
        if (load<std::uint32_t>(image, e + kEntReserved) != 0)
            fail("section '" + s.name + "': non-zero reserved field", e + kEntReserved, corrupt_fix);
        s.offset = load<std::uint64_t>(image, e + kEntOffset);
        s.size = load<std::uint64_t>(image, e + kEntSize);
        s.crc = load<std::uint32_t>(image, e + kEntCrc);
        for (const auto& prev : mf.sections_)
            if (prev.name == s.name) fail("section '" + s.name + "' appears twice", e, corrupt_fix);
        const std::uint64_t want = align_up(expected_offset);
        if (s.offset != want)
            fail("section '" + s.name + "' starts at " + std::to_string(s.offset) + " where " + std::to_string(want) +
                     " was expected",
                 e + kEntOffset, corrupt_fix);
        if (s.size > size - s.offset)
            fail("section '" + s.name + "' (" + std::to_string(s.size) + " bytes) runs past the end of the file",
                 s.offset, corrupt_fix);
        for (std::uint64_t b = expected_offset; b < s.offset; ++b)
            if (image[b] != 0) fail("non-zero padding byte before section '" + s.name + "'", b, corrupt_fix);
        const std::uint32_t got = crc32(image.data() + s.offset, static_cast<std::size_t>(s.size));
        if (got != s.crc)
            fail("section '" + s.name + "' (" + std::to_string(s.size) + " bytes at offset " + std::to_string(s.offset) +
                     ") fails its CRC-32 check (stored " + hex32(s.crc) + ", computed " + hex32(got) + ")",
                 s.offset, corrupt_fix);
        expected_offset = s.offset + s.size;
        mf.sections_.push_back(std::move(s));
    }
    if (expected_offset != size) fail("trailing bytes after the last section", expected_offset, corrupt_fix);
    mf.image_ = std::move(image);
    return mf;
}

bool ModelFile::has(const std::string& name) const noexcept {
    return std::any_of(sections_.begin(), sections_.end(), [&](const auto& s) { return s.name == name; });
}

const ModelSectionInfo& ModelFile::find(const std::string& name) const {
    for (const auto& s : sections_)
        if (s.name == name) return s;
    N2D_FAIL("n2d: model file '" + source_ + "' has no section '" + name +
                "'; it was written by a different pipeline configuration or is incomplete");
}

ByteReader ModelFile::reader(const std::string& name) const& {
    const auto& s = find(name);
    return ByteReader(image_.data() + s.offset, static_cast<std::size_t>(s.size),
                      "section '" + name + "' (file offset " + std::to_string(s.offset) + ") of model file '" + source_ + "'");
}

std::vector<unsigned char> ModelFile::bytes(const std::string& name) const {
    const auto& s = find(name);
    return {image_.begin() + static_cast<std::ptrdiff_t>(s.offset),
            image_.begin() + static_cast<std::ptrdiff_t>(s.offset + s.size)};
}

bool looks_like_model_file(const std::string& path) {
    std::FILE* f = open_file(path, "rb");
    if (!f) return false;
    unsigned char head[sizeof kModelMagic];
    const bool ok = std::fread(head, 1, sizeof head, f) == sizeof head && std::memcmp(head, kModelMagic, sizeof head) == 0;
    std::fclose(f);
    return ok;
}

}  // namespace n2d
