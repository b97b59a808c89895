// The `.n2d` model container: one self-describing binary file made of named sections.
//
// Layout (full spec in n2d/model/FORMAT.md): a 64-byte header (magic, format version,
// endianness tag, file size, section count, CRC-32 of the section table, CRC-32 of the header),
// a section table of 64-byte entries (name, offset, size, CRC-32), then the sections' bytes,
// each starting at a 64-byte-aligned file offset so arrays written by ByteWriter::put_array
// (aligned relative to the section start) are 64-byte aligned in the file too.
//
// Reading validates everything before handing out a byte: magic, version, endianness, file
// size, table bounds and overlaps, and every section's CRC-32. Any failure is an n2d::Error
// naming the file, the section and the byte offset. Writing is atomic (temp file + rename).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "n2d/core/bytes.hpp"

namespace n2d::inline v0 {

inline constexpr unsigned char kModelMagic[8] = {0x89, 'N', '2', 'D', '\r', '\n', 0x1A, '\n'};
inline constexpr std::uint32_t kModelFormatVersion = 1;
inline constexpr std::uint32_t kModelEndianTag = 0x01020304u;  // stored little-endian: 04 03 02 01
inline constexpr std::size_t kModelHeaderSize = 64;
inline constexpr std::size_t kModelTableEntrySize = 64;
inline constexpr std::size_t kModelSectionNameMax = 39;  // bytes of name; the 40th is always NUL
inline constexpr std::size_t kModelAlignment = 64;

struct ModelSectionInfo {
    std::string name;
    std::uint64_t offset = 0;  // from the start of the file, a multiple of 64
    std::uint64_t size = 0;    // bytes
    std::uint32_t crc = 0;     // CRC-32 of the section's bytes
};

// Collects sections, then serialises them into one file image.
class ModelFileWriter {
public:
    // Adds a section; names are 1..39 printable ASCII characters, unique within a file.
    void add(const std::string& name, std::vector<unsigned char> bytes);
    void add(const std::string& name, ByteWriter&& writer) { add(name, writer.take()); }
    // The complete file image.
    std::vector<unsigned char> serialize() const;
    // serialize() written atomically to `path` (the old file, if any, survives a failure).
    void write(const std::string& path) const;

private:
    struct Pending {
        std::string name;
        std::vector<unsigned char> bytes;
    };
    std::vector<Pending> sections_;
};

// A validated, in-memory model file.
class ModelFile {
public:
    // Reads and validates `path`; throws n2d::Error naming the path on any problem.
    static ModelFile read(const std::string& path);
    // Validates an in-memory image; `source` names it in error messages (e.g. its path).
    static ModelFile parse(std::vector<unsigned char> image, const std::string& source);

    std::uint32_t version() const noexcept { return version_; }
    const std::string& source() const noexcept { return source_; }
    const std::vector<ModelSectionInfo>& sections() const noexcept { return sections_; }
    bool has(const std::string& name) const noexcept;
    // A reader over section `name`, whose error messages name the file, the section and its
    // file offset; throws n2d::Error when the section is absent. The reader points into this
    // object, so a temporary ModelFile cannot hand one out.
    ByteReader reader(const std::string& name) const&;
    ByteReader reader(const std::string& name) const&& = delete;
    // The raw bytes of a section.
    std::vector<unsigned char> bytes(const std::string& name) const;

private:
    const ModelSectionInfo& find(const std::string& name) const;
    std::vector<unsigned char> image_;
    std::vector<ModelSectionInfo> sections_;
    std::string source_;
    std::uint32_t version_ = 0;
};

// True when `path` starts with the .n2d magic (cheap check for `n2d info`).
bool looks_like_model_file(const std::string& path);

}  // namespace n2d
