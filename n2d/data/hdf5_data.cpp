// HDF5 subset reader, part 2: datatypes, dataspaces and attributes (string arrays, fixed-length
// or through the global heap).
#include <algorithm>
#include <cstring>
#include <map>

#include "n2d/core/error.hpp"
#include "n2d/data/detail/hdf5_format.hpp"

namespace n2d::inline v0::hdf5 {

namespace {

constexpr std::size_t kMaxRank = 32;
constexpr std::uint64_t kMaxElements = std::uint64_t(1) << 32;

std::uint64_t pad8(std::uint64_t n) { return (n + 7) / 8 * 8; }

const char* class_name(unsigned c) {
    static const char* const names[] = {"integer", "float", "time", "string", "bit field", "opaque",
                                        "compound", "reference", "enum", "variable-length", "array"};
    return c < 11 ? names[c] : "unknown";
}

}  // namespace

Datatype File::Impl::datatype(const Message& m) const {
    Cursor c = at(m.pos, m.size, "datatype message");
    c.expect(!(m.flags & 2), "shared (committed) datatypes are not supported");
    const unsigned head = c.u8();
    const unsigned bits = static_cast<unsigned>(c.u(3));
    Datatype t;
    t.class_code = head & 15;
    t.size = c.u32();
    const unsigned version = head >> 4;
    c.expect(version >= 1 && version <= 4, "datatype version " + std::to_string(version));
    if (t.class_code == 1) {
        const unsigned offset = c.u16(), precision = c.u16(), exp_loc = c.u8(), exp_size = c.u8();
        const unsigned mant_loc = c.u8(), mant_size = c.u8();
        const std::uint32_t bias = c.u32();
        // Only IEEE little-endian binary32/binary64: anything else would be read wrongly.
        const bool ieee32 = t.size == 4 && precision == 32 && exp_loc == 23 && exp_size == 8 && mant_size == 23 &&
                            bias == 127;
        const bool ieee64 = t.size == 8 && precision == 64 && exp_loc == 52 && exp_size == 11 && mant_size == 52 &&
                            bias == 1023;
        c.expect((bits & 0x41) == 0 && offset == 0 && mant_loc == 0 && (ieee32 || ieee64),
                 "float type other than IEEE little-endian float32/float64 (size " + std::to_string(t.size) + ")");
        t.cls = Datatype::fixed_float;
    } else if (t.class_code == 3) {
        c.expect(t.size > 0, "zero-length string type");
        t.cls = Datatype::fixed_string;
        t.space_padded = (bits & 15) == 2;
    } else if (t.class_code == 9 && (bits & 15) == 1) {
        c.expect(t.size == 8 + offset_size(), "variable-length string element size " + std::to_string(t.size));
        t.cls = Datatype::vlen_string;
    }
    return t;
}

Dataspace File::Impl::dataspace(const Message& m) const {
    Cursor c = at(m.pos, m.size, "dataspace message");
    const unsigned version = c.u8();
    c.expect(version == 1 || version == 2, "dataspace version " + std::to_string(version));
    const unsigned rank = c.u8(), flags = c.u8();
    c.expect(rank <= kMaxRank, "rank " + std::to_string(rank));
    unsigned type = rank ? 1 : 0;
    if (version == 1)
        c.skip(5);
    else
        type = c.u8();
    Dataspace s;
    if (type == 2) {  // null: no elements
        s.count = 0;
        return s;
    }
    c.expect(type <= 1, "dataspace type " + std::to_string(type));
    for (unsigned i = 0; i < rank; ++i) {
        const std::uint64_t d = c.length();
        c.expect(d == 0 || s.count <= kMaxElements / d, "more than 2^32 elements");
        s.dims.push_back(d);
        s.count *= d;
    }
    (void)flags;  // maximum dimensions and permutations do not change what is stored
    return s;
}

namespace {

struct Attribute {
    Message type, space;
    std::uint64_t data = 0, data_size = 0;
};

// Parses an attribute message's layout; returns its name.
std::string parse_attribute(const File::Impl& f, const Message& m, Attribute& a) {
    Cursor c = f.at(m.pos, m.size, "attribute message");
    c.expect(!(m.flags & 2), "shared attribute messages are not supported");
    const unsigned version = c.u8();
    c.expect(version >= 1 && version <= 3, "attribute message version " + std::to_string(version));
    const unsigned flags = c.u8();
    c.expect(version == 1 || (flags & 3) == 0, "attributes with a shared datatype or dataspace are not supported");
    const std::uint64_t name_size = c.u16(), type_size = c.u16(), space_size = c.u16();
    if (version == 3) c.skip(1);  // name character set
    const auto padded = [&](std::uint64_t n) { return version == 1 ? pad8(n) : n; };
    const std::uint64_t name_at = c.pos();
    c.skip(padded(name_size));
    c.expect(name_size > 0, "empty attribute name");
    const auto* s = reinterpret_cast<const char*>(f.data() + name_at);
    std::string name(s, strnlen(s, static_cast<std::size_t>(name_size)));
    a.type = {kDatatype, 0, c.pos(), type_size};
    c.skip(padded(type_size));
    a.space = {kDataspace, 0, c.pos(), space_size};
    c.skip(padded(space_size));
    a.data = c.pos();
    a.data_size = c.left();
    return name;
}

// The objects of one global heap collection: index → (data offset, size).
std::map<std::uint16_t, std::pair<std::uint64_t, std::uint64_t>> heap_objects(const File::Impl& f, std::uint64_t addr) {
    Cursor h = f.at(addr, 8 + f.length_size(), "global heap collection");
    h.expect_signature("GCOL");
    h.expect(h.u8() == 1, "global heap version (1 expected)");
    h.skip(3);
    const std::uint64_t size = h.length();
    h.expect(size >= 8 + f.length_size(), "global heap collection size " + std::to_string(size));
    Cursor c = f.at(addr, size, "global heap collection");
    c.skip(8 + f.length_size());
    std::map<std::uint16_t, std::pair<std::uint64_t, std::uint64_t>> objects;
    while (c.left() >= 8 + f.length_size()) {
        const std::uint16_t index = c.u16();
        c.skip(6);  // reference count, reserved
        const std::uint64_t n = c.length();
        if (index == 0) break;  // free space: the rest of the collection
        const std::uint64_t at = c.pos();
        c.skip(n);
        c.skip(std::min(pad8(n) - n, c.left()));
        objects[index] = {at, n};
    }
    return objects;
}

}  // namespace

bool File::Impl::find_attribute(std::uint64_t header, const std::string& name, Message& out) const {
    bool dense = false;
    for (const Message& m : messages(header)) {
        if (m.type == kAttributeInfo) {  // dense attribute storage when it names a fractal heap
            Cursor c = at(m.pos, m.size, "attribute info message");
            c.expect(c.u8() == 0, "attribute info version (0 expected)");
            if (c.u8() & 1) c.skip(2);  // maximum creation index
            dense = dense || c.offset() != kUndefined;
        }
        Attribute a;
        if (m.type == kAttribute && parse_attribute(*this, m, a) == name) {
            out = m;
            return true;
        }
    }
    if (dense)
        fail(header, "object header: attribute \"" + name + "\" may be in dense attribute storage (an object with many or large "
                     "attributes), which is not supported");
    return false;
}

std::vector<std::string> File::Impl::strings(const Message& m) const {
    Attribute a;
    const std::string name = parse_attribute(*this, m, a);
    const Datatype t = datatype(a.type);
    const Dataspace s = dataspace(a.space);
    Cursor c = at(a.data, a.data_size, "attribute data");
    c.expect(t.cls == Datatype::fixed_string || t.cls == Datatype::vlen_string,
             "attribute \"" + name + "\" holds " + class_name(t.class_code) + " values, not strings");
    c.expect(s.count <= a.data_size / t.size, "attribute \"" + name + "\" holds fewer bytes than its " +
                                                   std::to_string(s.count) + " elements need");
    std::vector<std::string> out;
    std::uint64_t total = 0;
    std::map<std::uint64_t, std::map<std::uint16_t, std::pair<std::uint64_t, std::uint64_t>>> heaps;
    for (std::uint64_t i = 0; i < s.count; ++i) {
        if (t.cls == Datatype::fixed_string) {
            const auto* p = reinterpret_cast<const char*>(data() + c.pos());
            c.skip(t.size);
            std::string v(p, strnlen(p, t.size));
            if (t.space_padded) v.erase(v.find_last_not_of(' ') + 1);
            out.push_back(std::move(v));
            continue;
        }
        const std::uint64_t length = c.u32();
        const std::uint64_t collection = c.offset();
        const std::uint32_t index = c.u32();
        if (length == 0 || collection == kUndefined) {
            out.emplace_back();
            continue;
        }
        auto it = heaps.find(collection);
        if (it == heaps.end()) it = heaps.emplace(collection, heap_objects(*this, collection)).first;
        const auto obj = it->second.find(static_cast<std::uint16_t>(index));
        c.expect(index <= 0xffff && obj != it->second.end() && length <= obj->second.second,
                 "variable-length string " + std::to_string(i) + " of attribute \"" + name +
                     "\" is missing from its global heap collection");
        // Distinct strings are distinct heap objects: more text than the file holds means a
        // corrupt file pointing many elements at one large object.
        total += length;
        c.expect(total <= size(), "variable-length strings of attribute \"" + name + "\" total more bytes than the file");
        out.emplace_back(reinterpret_cast<const char*>(data() + obj->second.first), static_cast<std::size_t>(length));
    }
    return out;
}

}  // namespace n2d::hdf5
