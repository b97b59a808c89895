// Internal to hdf5.cpp and hdf5_data.cpp: the bounds-checked cursor over the file image and
// the parsed forms of the object-header messages the reader uses.
#pragma once
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "n2d/data/detail/hdf5.hpp"

namespace n2d::inline v0::hdf5 {

// Message types (HDF5 file format specification, "Header Message" list).
enum MessageType : std::uint16_t {
    kNil = 0x00,
    kDataspace = 0x01,
    kLinkInfo = 0x02,
    kDatatype = 0x03,
    kLink = 0x06,
    kLayout = 0x08,
    kFilters = 0x0B,
    kAttribute = 0x0C,
    kContinuation = 0x10,
    kSymbolTable = 0x11,
    kAttributeInfo = 0x15,
};

struct Message {
    std::uint16_t type = 0;
    std::uint8_t flags = 0;
    std::uint64_t pos = 0;   // the message data's absolute offset in the image
    std::uint64_t size = 0;
};

struct Datatype {
    enum Class { fixed_float, fixed_string, vlen_string, other } cls = other;
    std::uint32_t size = 0;     // bytes per element as stored
    unsigned class_code = 0;    // the HDF5 class number, for messages
    bool space_padded = false;  // fixed strings: trailing spaces are padding
};

struct Dataspace {
    std::vector<std::uint64_t> dims;  // empty: scalar
    std::uint64_t count = 1;          // elements (0 for a null dataspace)
};

// Reads little-endian fields of an image range [pos, end); every read is checked against it.
class Cursor {
public:
    Cursor(const File::Impl& f, std::uint64_t pos, std::uint64_t end, const char* what);
    std::uint64_t u(unsigned n);  // n-byte little-endian unsigned
    std::uint8_t u8() { return static_cast<std::uint8_t>(u(1)); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(u(2)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(u(4)); }
    std::uint64_t offset();  // a file address (size of offsets), made absolute; ~0 = undefined
    std::uint64_t length();  // a length (size of lengths)
    void skip(std::uint64_t n);
    void expect_signature(const char* sig);  // 4 ASCII bytes
    std::uint64_t pos() const noexcept { return pos_; }
    std::uint64_t left() const noexcept { return end_ - pos_; }
    [[noreturn]] void fail(const std::string& problem) const;
    void expect(bool ok, const std::string& problem) const {
        if (!ok) fail(problem);
    }

private:
    const File::Impl& f_;
    std::uint64_t pos_, end_;
    const char* what_;
};

inline constexpr std::uint64_t kUndefined = ~std::uint64_t(0);
// Bounds on linked structures, far above what any weights file needs, so a corrupt file that
// links structures into a cycle or claims huge counts fails instead of looping or exhausting memory.
inline constexpr std::size_t kMaxHeaderBlocks = 4096;
inline constexpr std::size_t kMaxMessages = 1 << 16;
inline constexpr std::size_t kMaxTreeDepth = 64;

struct File::Impl {
    const File& file;
    const unsigned char* data() const noexcept { return file.bytes_.data(); }
    std::uint64_t size() const noexcept { return file.bytes_.size(); }
    unsigned offset_size() const noexcept { return file.offset_size_; }
    unsigned length_size() const noexcept { return file.length_size_; }
    std::uint64_t base() const noexcept { return file.base_; }
    const std::string& name() const noexcept { return file.name_; }
    [[noreturn]] void fail(std::uint64_t pos, const std::string& what) const;

    // A cursor over `n` bytes at `pos`, failing (naming `what`) when they lie outside the file.
    Cursor at(std::uint64_t pos, std::uint64_t n, const char* what) const;

    // hdf5.cpp: object headers and groups.
    std::vector<Message> messages(std::uint64_t header) const;
    // The block a header continuation message points to, as (address, length), checked to lie in
    // the file, not to be seen before (cycles) and not to exceed kMaxHeaderBlocks (`blocks` so far).
    std::pair<std::uint64_t, std::uint64_t> continuation(const Message& msg, std::set<std::uint64_t>& seen,
                                                         std::size_t blocks) const;
    std::uint64_t find(const std::string& path) const;  // object header address; kUndefined when absent
    std::vector<std::pair<std::string, std::uint64_t>> links(std::uint64_t header) const;
    bool is_group(std::uint64_t header) const;
    // hdf5_v2.cpp: version-2 object headers ("OHDR"/"OCHK") and link-message groups, compact
    // or dense (links in a fractal heap indexed by a version-2 B-tree).
    std::vector<Message> messages_v2(std::uint64_t header) const;
    std::vector<std::pair<std::string, std::uint64_t>> links_v2(const std::vector<Message>& header) const;

    // hdf5_data.cpp: datatypes, dataspaces, attributes and raw data.
    Datatype datatype(const Message& m) const;
    Dataspace dataspace(const Message& m) const;
    // The attribute message named `name` in the header, or nullptr-like {type 0} when absent.
    bool find_attribute(std::uint64_t header, const std::string& name, Message& out) const;
    std::vector<std::string> strings(const Message& attribute) const;
    FloatArray floats(std::uint64_t header, const std::string& path) const;
};

}  // namespace n2d::hdf5
