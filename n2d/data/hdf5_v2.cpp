// HDF5 subset reader, part 4: what libver='latest' writes — version-2 object headers ("OHDR",
// continuation blocks "OCHK") and groups of link messages, held in the header (compact) or in
// a fractal heap ("FRHP") indexed by a version-2 B-tree ("BTHD") of link-name hashes (dense).
// Dense storage is read as small groups use it: the heap's root block a direct block ("FHDB")
// and the B-tree's root a leaf ("BTLF"); larger layouts are refused by name. Checksums are not
// verified: every field is bounds-checked instead.
#include <algorithm>
#include <cstring>
#include <set>

#include "n2d/core/error.hpp"
#include "n2d/data/detail/hdf5_format.hpp"

namespace n2d::inline v0::hdf5 {

namespace {

// Bytes needed to encode values below 2^bits.
unsigned bytes_for_bits(unsigned bits) { return (bits + 7) / 8; }
unsigned log2_floor(std::uint64_t v) {
    unsigned b = 0;
    while (v >>= 1) ++b;
    return b;
}

// One link message: its name and, for a hard link, the object header (soft and external links
// lead outside what a weights file uses: kUndefined).
std::pair<std::string, std::uint64_t> link_message(const File::Impl& f, Cursor& c) {
    c.expect(c.u8() == 1, "link message version (1 expected)");
    const unsigned flags = c.u8();
    const unsigned type = flags & 8 ? c.u8() : 0;
    if (flags & 4) c.skip(8);  // creation order
    if (flags & 16) c.skip(1);  // name character set
    const std::uint64_t length = c.u(1u << (flags & 3));
    c.expect(length > 0 && length <= c.left(), "link name length " + std::to_string(length));
    const std::uint64_t at = c.pos();
    c.skip(length);
    std::string name(reinterpret_cast<const char*>(f.data() + at), static_cast<std::size_t>(length));
    return {std::move(name), type == 0 ? c.offset() : kUndefined};
}

}  // namespace

std::vector<Message> File::Impl::messages_v2(std::uint64_t header) const {
    Cursor c = at(header, 6, "object header");
    c.expect_signature("OHDR");
    c.expect(c.u8() == 2, "object header version (2 expected)");
    const unsigned flags = c.u8();
    Cursor p = at(c.pos(), size() - c.pos(), "object header");
    if (flags & 32) p.skip(16);  // access, modification, change and birth times
    if (flags & 16) p.skip(4);   // attribute storage thresholds
    const std::uint64_t first = p.u(1u << (flags & 3));
    const unsigned envelope = flags & 4 ? 6 : 4;  // type, size, flags, [creation order]
    std::vector<std::pair<std::uint64_t, std::uint64_t>> blocks{{p.pos(), first}};
    std::set<std::uint64_t> seen{p.pos()};
    std::vector<Message> out;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
        Cursor m = at(blocks[b].first, blocks[b].second, "object header messages");
        while (m.left() >= envelope) {  // a gap smaller than a message may end a block
            Message msg;
            msg.type = m.u8();
            msg.size = m.u16();
            msg.flags = m.u8();
            if (flags & 4) m.skip(2);
            msg.pos = m.pos();
            m.skip(msg.size);
            m.expect(out.size() < kMaxMessages, "more than " + std::to_string(kMaxMessages) + " messages");
            if (msg.type == kContinuation) {
                const auto [addr, len] = continuation(msg, seen, blocks.size());
                Cursor ck = at(addr, len, "header continuation block");
                ck.expect(len >= 8, "continuation block of " + std::to_string(len) + " bytes");
                ck.expect_signature("OCHK");
                blocks.emplace_back(addr + 4, len - 8);  // after the signature, before the checksum
            } else if (msg.type != kNil) {
                out.push_back(msg);
            }
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::uint64_t>> File::Impl::links_v2(const std::vector<Message>& header) const {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    std::uint64_t heap = kUndefined, tree = kUndefined;
    for (const Message& m : header) {
        Cursor c = at(m.pos, m.size, m.type == kLink ? "link message" : "link info message");
        if (m.type == kLink) {
            out.push_back(link_message(*this, c));
        } else if (m.type == kLinkInfo) {
            c.expect(c.u8() == 0, "link info version (0 expected)");
            const unsigned flags = c.u8();
            if (flags & 1) c.skip(8);  // maximum creation index
            heap = c.offset();
            tree = c.offset();
        }
    }
    if (heap != kUndefined || tree != kUndefined) {
        // Dense storage. The fractal heap header: the fields that locate its objects.
        Cursor h = at(heap, 8, "fractal heap header");
        h.expect(heap != kUndefined && tree != kUndefined, "dense link storage without its heap or B-tree");
        h.expect_signature("FRHP");
        h.expect(h.u8() == 0, "fractal heap version (0 expected)");
        Cursor hh = at(h.pos(), size() - h.pos(), "fractal heap header");
        const unsigned id_length = hh.u16();
        hh.expect(hh.u16() == 0, "a filtered fractal heap is not supported");
        const unsigned heap_flags = hh.u8();
        const std::uint32_t max_object = hh.u32();
        hh.length();  // next huge object id
        hh.offset();  // huge object B-tree
        hh.length();  // free space
        hh.offset();  // free-space manager
        for (int i = 0; i < 8; ++i) hh.length();  // managed/allocated space, iterator, object counts and sizes
        hh.u16();  // table width
        const std::uint64_t block_size = hh.length();  // starting block size
        const std::uint64_t max_direct = hh.length();
        const unsigned max_heap_bits = hh.u16();
        hh.u16();  // starting rows of the root indirect block
        const std::uint64_t root = hh.offset();
        const unsigned rows = hh.u16();
        hh.expect(rows == 0, "a fractal heap whose root is an indirect block (a group with very many links) is not "
                             "supported");
        hh.expect(max_heap_bits > 0 && max_heap_bits <= 64, "maximum heap size of " + std::to_string(max_heap_bits) +
                                                                " bits");
        const unsigned offset_bytes = bytes_for_bits(max_heap_bits);
        // A managed object's length field: wide enough for an offset within the largest direct
        // block, and for the largest managed object, whichever is narrower.
        const unsigned length_bytes = std::min(bytes_for_bits(log2_floor(max_direct)), log2_floor(max_object) / 8 + 1);
        hh.expect(1 + offset_bytes + length_bytes <= id_length && id_length <= 64, "heap id length " +
                                                                                       std::to_string(id_length));
        // The root direct block: signature, version, heap header address, block offset, [checksum].
        Cursor d = at(root, block_size, "fractal heap direct block");
        d.expect(root != kUndefined, "undefined root block");
        d.expect_signature("FHDB");
        d.expect(d.u8() == 0, "direct block version (0 expected)");
        d.offset();
        d.skip(offset_bytes);
        if (heap_flags & 2) d.skip(4);
        // The name-index B-tree: header, then a root that must be a leaf of type-5 records.
        Cursor t = at(tree, 8, "link name B-tree header");
        t.expect_signature("BTHD");
        t.expect(t.u8() == 0, "B-tree version (0 expected)");
        t.expect(t.u8() == 5, "B-tree type (5, link names, expected)");
        Cursor tt = at(t.pos(), size() - t.pos(), "link name B-tree header");
        tt.u32();  // node size
        const unsigned record = tt.u16();
        const unsigned depth = tt.u16();
        tt.skip(2);  // split and merge percentages
        const std::uint64_t leaf = tt.offset();
        const unsigned count = tt.u16();
        tt.expect(depth == 0, "a link name B-tree deeper than one leaf (a group with very many links) is not supported");
        tt.expect(record == 4 + id_length, "B-tree record size " + std::to_string(record));
        if (count == 0) return out;
        Cursor l = at(leaf, 6 + std::uint64_t(count) * record, "link name B-tree leaf");
        l.expect(leaf != kUndefined, "undefined B-tree root");
        l.expect_signature("BTLF");
        l.expect(l.u8() == 0 && l.u8() == 5, "B-tree leaf version or type");
        for (unsigned i = 0; i < count; ++i) {
            l.skip(4);  // name hash
            const std::uint64_t id_at = l.pos();
            const unsigned id_type = l.u8();
            l.expect((id_type & 0xf0) == 0, "heap id of type " + std::to_string((id_type >> 4) & 3) +
                                                " (only managed objects are supported)");
            const std::uint64_t off = l.u(offset_bytes), len = l.u(length_bytes);
            l.skip(id_length - (l.pos() - id_at));
            l.expect(off < block_size && len <= block_size - off && len > 0, "heap object outside the root block");
            Cursor obj = at(root + off, len, "link message in the fractal heap");
            out.push_back(link_message(*this, obj));
        }
    }
    for (const auto& [name, addr] : out)
        if (addr == kUndefined) fail(0, "link \"" + name + "\": soft and external links are not supported");
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace n2d::hdf5
