// HDF5 subset reader, part 1: the superblock, object headers and symbol-table groups (see
// n2d/data/detail/hdf5.hpp for the subset). Layouts follow the public HDF5 File Format
// Specification; every structure is read through a Cursor bounded by the file image.
#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

#include "n2d/core/detail/file.hpp"
#include "n2d/core/error.hpp"
#include "n2d/data/detail/hdf5_format.hpp"

namespace n2d::inline v0::hdf5 {

namespace {

constexpr unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
constexpr std::size_t kMaxLinks = 1 << 20;
constexpr std::size_t kMaxPathDepth = 256;

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t i = 0;
    while (i < path.size()) {
        const std::size_t j = std::min(path.find('/', i), path.size());
        if (j > i) parts.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    return parts;
}

}  // namespace

bool has_signature(const void* data, std::size_t size) noexcept {
    return size >= 8 && std::memcmp(data, kSignature, 8) == 0;
}

Cursor::Cursor(const File::Impl& f, std::uint64_t pos, std::uint64_t end, const char* what)
    : f_(f), pos_(pos), end_(end), what_(what) {}

std::uint64_t Cursor::u(unsigned n) {
    if (n > left()) fail("truncated (" + std::to_string(n) + " bytes needed, " + std::to_string(left()) + " left)");
    std::uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= std::uint64_t(f_.data()[pos_ + i]) << (8 * i);
    pos_ += n;
    return v;
}

std::uint64_t Cursor::offset() {
    const unsigned n = f_.offset_size();
    const std::uint64_t v = u(n);
    if (n < 8 ? v == (std::uint64_t(1) << (8 * n)) - 1 : v == kUndefined) return kUndefined;
    if (v > f_.size() - f_.base()) fail("address " + std::to_string(v) + " lies beyond the end of the file");
    return v + f_.base();
}

std::uint64_t Cursor::length() { return u(f_.length_size()); }

void Cursor::skip(std::uint64_t n) {
    if (n > left()) fail("truncated (" + std::to_string(n) + " bytes needed, " + std::to_string(left()) + " left)");
    pos_ += n;
}

void Cursor::expect_signature(const char* sig) {
    const std::uint64_t at = pos_;
    skip(4);
    if (std::memcmp(f_.data() + at, sig, 4) != 0) {
        pos_ = at;
        fail(std::string("signature \"") + sig + "\" missing");
    }
}

void Cursor::fail(const std::string& problem) const { f_.fail(pos_, std::string(what_) + ": " + problem); }

void File::Impl::fail(std::uint64_t pos, const std::string& what) const {
    N2D_FAIL("n2d: " + name() + ": HDF5 " + what + " at byte offset " + std::to_string(pos) +
             "; the file is corrupt or uses an HDF5 feature n2d does not read");
}

Cursor File::Impl::at(std::uint64_t pos, std::uint64_t n, const char* what) const {
    if (pos > size() || n > size() - pos)
        fail(pos, std::string(what) + ": " + std::to_string(n) + " bytes do not fit in the file of " +
                      std::to_string(size()) + " bytes");
    return Cursor(*this, pos, pos + n, what);
}

File::File(std::vector<unsigned char> bytes, std::string name) : bytes_(std::move(bytes)), name_(std::move(name)) {
    const Impl f{*this};
    // The superblock sits at 0 or, after a user block, at 512, 1024, 2048...
    std::uint64_t at = 0;
    while (at < bytes_.size() && !has_signature(bytes_.data() + at, bytes_.size() - at)) at = at ? at * 2 : 512;
    if (at >= bytes_.size()) f.fail(0, "superblock: signature \"\\x89HDF\\r\\n\\x1a\\n\" not found (not an HDF5 file)");
    Cursor c = f.at(at + 8, bytes_.size() - at - 8, "superblock");
    const unsigned version = c.u8();
    c.expect(version <= 3, "superblock version " + std::to_string(version) + " (0 to 3 expected)");
    if (version >= 2) {
        superblock_v2(c, at);
        return;
    }
    c.skip(4);  // free-space, root group symbol table and shared header versions, reserved
    read_sizes(c);
    c.skip(1 + 2 + 2 + 4);  // reserved, group leaf and internal node K, consistency flags
    if (version == 1) c.skip(4);  // indexed storage internal node K, reserved
    read_addresses(c, at, false);
}

void File::read_sizes(Cursor& c) {
    offset_size_ = c.u8();
    length_size_ = c.u8();
    c.expect((offset_size_ == 2 || offset_size_ == 4 || offset_size_ == 8) &&
                 (length_size_ == 2 || length_size_ == 4 || length_size_ == 8),
             "sizes of offsets " + std::to_string(offset_size_) + " and lengths " + std::to_string(length_size_) +
                 " (2, 4 or 8 expected)");
}

// Base address, then (v0/v1) free-space info, end of file, driver info and the root symbol table
// entry, or (v2/v3) the superblock extension, end of file and the root object header.
void File::read_addresses(Cursor& c, std::uint64_t at, bool v2) {
    // The base address is absolute; the others are relative to it (Cursor::offset adds it).
    base_ = 0;
    const std::uint64_t base = c.offset();
    c.expect(base != kUndefined, "undefined base address");
    base_ = base;
    c.offset();  // free-space info (v0/v1), superblock extension (v2/v3)
    const std::uint64_t end = c.u(offset_size_);  // as h5py writes it: counting a user block too
    if (end > bytes_.size())
        Impl{*this}.fail(at, "superblock: the file is truncated (" + std::to_string(bytes_.size()) +
                                 " bytes where the superblock says " + std::to_string(end) + ")");
    if (!v2) {
        c.offset();  // driver info block
        c.offset();  // root group symbol table entry: link name offset
    }
    root_ = c.offset();
    c.expect(root_ != kUndefined, "the root group has no object header");
}

void File::superblock_v2(Cursor& c, std::uint64_t at) {
    read_sizes(c);
    c.skip(1);  // file consistency flags
    read_addresses(c, at, true);
}

File File::open(const std::string& path) { return File(read_file(path), path); }

std::vector<Message> File::Impl::messages(std::uint64_t header) const {
    if (header + 4 <= size() && std::memcmp(data() + header, "OHDR", 4) == 0) return messages_v2(header);
    Cursor c = at(header, 16, "object header");
    const unsigned version = c.u8();
    c.expect(version == 1, "version " + std::to_string(version) + " (1 expected)");
    c.skip(1 + 2 + 4);  // reserved, message count (the blocks say), reference count
    const std::uint64_t first_size = c.u32();
    c.skip(4);  // padding to 8 bytes
    std::vector<std::pair<std::uint64_t, std::uint64_t>> blocks{{header + 16, first_size}};
    std::set<std::uint64_t> seen{header + 16};
    std::vector<Message> out;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
        Cursor m = at(blocks[b].first, blocks[b].second, "object header messages");
        while (m.left() >= 8) {
            Message msg;
            msg.type = m.u16();
            msg.size = m.u16();
            msg.flags = m.u8();
            m.skip(3);
            msg.pos = m.pos();
            m.skip(msg.size);
            m.expect(out.size() < kMaxMessages, "more than " + std::to_string(kMaxMessages) + " messages");
            if (msg.type == kContinuation) {
                blocks.push_back(continuation(msg, seen, blocks.size()));
            } else if (msg.type != kNil) {
                out.push_back(msg);
            }
        }
    }
    return out;
}

std::pair<std::uint64_t, std::uint64_t> File::Impl::continuation(const Message& msg, std::set<std::uint64_t>& seen,
                                                                 std::size_t blocks) const {
    Cursor k = at(msg.pos, msg.size, "header continuation message");
    const std::uint64_t addr = k.offset();
    const std::uint64_t len = k.length();
    k.expect(addr != kUndefined, "undefined continuation address");
    k.expect(seen.insert(addr).second, "continuation blocks form a cycle");
    k.expect(blocks < kMaxHeaderBlocks, "too many continuation blocks");
    at(addr, len, "header continuation block");
    return {addr, len};
}

bool File::Impl::is_group(std::uint64_t header) const {
    for (const Message& m : messages(header))
        if (m.type == kSymbolTable || m.type == kLinkInfo || m.type == kLink) return true;
    return false;
}

namespace {

struct GroupWalk {
    explicit GroupWalk(const File::Impl& file) : f(file) {}
    const File::Impl& f;
    std::uint64_t heap_data = 0, heap_size = 0;
    std::set<std::uint64_t> visited;
    std::vector<std::pair<std::string, std::uint64_t>> out;

    std::string heap_string(Cursor& c, std::uint64_t offset) const {
        c.expect(offset < heap_size, "link name offset " + std::to_string(offset) + " lies outside the local heap");
        const auto* s = f.data() + heap_data + offset;
        const auto* nul = static_cast<const unsigned char*>(std::memchr(s, 0, heap_size - offset));
        c.expect(nul != nullptr, "link name is not NUL-terminated within the local heap");
        c.expect(nul > s, "empty link name");
        return std::string(reinterpret_cast<const char*>(s), static_cast<std::size_t>(nul - s));
    }

    void symbol_node(std::uint64_t addr) {
        Cursor c = f.at(addr, 8, "symbol table node");
        c.expect(visited.insert(addr).second, "a symbol table node is linked twice");
        c.expect_signature("SNOD");
        c.expect(c.u8() == 1, "symbol table node version (1 expected)");
        c.skip(1);
        const std::uint64_t count = c.u16();
        const std::uint64_t entry = 2 * f.offset_size() + 24;
        Cursor e = f.at(addr + 8, count * entry, "symbol table node entries");
        for (std::uint64_t i = 0; i < count; ++i) {
            const std::uint64_t name = e.u(f.offset_size());
            const std::uint64_t header = e.offset();
            e.skip(24);  // cache type, reserved, scratch pad
            e.expect(header != kUndefined, "a link without an object header");
            e.expect(out.size() < kMaxLinks, "too many links in one group");
            out.emplace_back(heap_string(e, name), header);
        }
    }

    void tree(std::uint64_t addr, std::size_t depth, int parent_level) {
        Cursor c = f.at(addr, 8 + 2 * f.offset_size(), "group B-tree node");
        c.expect(depth < kMaxTreeDepth && visited.insert(addr).second, "B-tree nodes form a cycle or are too deep");
        c.expect_signature("TREE");
        c.expect(c.u8() == 0, "B-tree node type (0, a group node, expected)");
        const int level = c.u8();
        c.expect(parent_level < 0 || level == parent_level - 1, "B-tree node level " + std::to_string(level) +
                                                                    " does not follow its parent's");
        const std::uint64_t used = c.u16();
        c.offset();  // left sibling
        c.offset();  // right sibling
        // Keys (heap offsets) and children alternate: key0 child0 key1 ... child(n-1) key(n).
        Cursor e = f.at(c.pos(), used * (f.length_size() + f.offset_size()) + f.length_size(), "group B-tree entries");
        for (std::uint64_t i = 0; i < used; ++i) {
            e.length();
            const std::uint64_t child = e.offset();
            e.expect(child != kUndefined, "undefined B-tree child");
            if (level == 0)
                symbol_node(child);
            else
                tree(child, depth + 1, level);
        }
    }
};

}  // namespace

std::vector<std::pair<std::string, std::uint64_t>> File::Impl::links(std::uint64_t header) const {
    const std::vector<Message> ms = messages(header);
    for (const Message& m : ms)
        if (m.type == kLink || m.type == kLinkInfo) return links_v2(ms);
    for (const Message& m : ms) {
        if (m.type != kSymbolTable) continue;
        Cursor c = at(m.pos, m.size, "symbol table message");
        const std::uint64_t tree = c.offset();
        const std::uint64_t heap = c.offset();
        c.expect(tree != kUndefined && heap != kUndefined, "undefined B-tree or local heap address");
        Cursor h = at(heap, 8 + 2 * length_size() + offset_size(), "local heap");
        h.expect_signature("HEAP");
        h.expect(h.u8() == 0, "local heap version (0 expected)");
        h.skip(3);
        GroupWalk walk(*this);
        walk.heap_size = h.length();
        h.length();  // free list head
        walk.heap_data = h.offset();
        h.expect(walk.heap_data != kUndefined, "undefined local heap data segment");
        at(walk.heap_data, walk.heap_size, "local heap data segment");
        walk.tree(tree, 0, -1);
        std::sort(walk.out.begin(), walk.out.end());
        return std::move(walk.out);
    }
    fail(header, "object header: not a group (no symbol table message)");
}

std::uint64_t File::Impl::find(const std::string& path) const {
    const std::vector<std::string> parts = split_path(path);
    if (parts.size() > kMaxPathDepth) fail(0, "path \"" + path + "\": too deep");
    std::uint64_t header = file.root_;
    for (const std::string& part : parts) {
        if (!is_group(header)) return kUndefined;  // a dataset has no members
        const auto entries = links(header);
        const auto it = std::lower_bound(entries.begin(), entries.end(), part,
                                         [](const auto& e, const std::string& key) { return e.first < key; });
        if (it == entries.end() || it->first != part) return kUndefined;
        header = it->second;
    }
    return header;
}

bool File::exists(const std::string& path) const { return Impl{*this}.find(path) != kUndefined; }

bool File::is_group(const std::string& path) const {
    const Impl f{*this};
    const std::uint64_t h = f.find(path);
    return h != kUndefined && f.is_group(h);
}

std::vector<std::string> File::children(const std::string& group) const {
    const Impl f{*this};
    const std::uint64_t h = f.find(group);
    N2D_REQUIRE(h != kUndefined, name_ + ": HDF5 group \"" + group + "\" not found");
    std::vector<std::string> names;
    for (auto& [n, addr] : f.links(h)) names.push_back(n);
    return names;
}

bool File::has_attribute(const std::string& path, const std::string& name) const {
    const Impl f{*this};
    const std::uint64_t h = f.find(path);
    Message m;
    return h != kUndefined && f.find_attribute(h, name, m);
}

std::vector<std::string> File::string_attribute(const std::string& path, const std::string& name) const {
    const Impl f{*this};
    const std::uint64_t h = f.find(path);
    N2D_REQUIRE(h != kUndefined, name_ + ": HDF5 object \"" + path + "\" not found");
    Message m;
    N2D_REQUIRE(f.find_attribute(h, name, m), name_ + ": HDF5 object \"" + path + "\" has no attribute \"" + name + "\"");
    return f.strings(m);
}

FloatArray File::read_floats(const std::string& path) const {
    const Impl f{*this};
    const std::uint64_t h = f.find(path);
    N2D_REQUIRE(h != kUndefined, name_ + ": HDF5 dataset \"" + path + "\" not found");
    return f.floats(h, path);
}

}  // namespace n2d::hdf5
