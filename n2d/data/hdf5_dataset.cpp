// HDF5 subset reader, part 3: float datasets in compact, contiguous or chunked storage (chunks
// indexed by a version-1 B-tree; unfiltered or with the deflate and shuffle filters).
#include <algorithm>
#include <cstring>
#include <set>

#include "n2d/core/error.hpp"
#include "n2d/data/detail/hdf5_format.hpp"
#include "n2d/data/detail/inflate.hpp"

namespace n2d::inline v0::hdf5 {

namespace {

constexpr std::uint64_t kMaxOutputBytes = std::uint64_t(1) << 31;
constexpr std::size_t kMaxChunks = 1 << 22;

struct Filter {
    unsigned id = 0;
    std::vector<std::uint32_t> values;
};

std::vector<Filter> parse_filters(const File::Impl& f, const Message& m) {
    Cursor c = f.at(m.pos, m.size, "filter pipeline message");
    const unsigned version = c.u8(), count = c.u8();
    c.expect(version == 1 || version == 2, "filter pipeline version " + std::to_string(version));
    if (version == 1) c.skip(6);
    std::vector<Filter> out;
    for (unsigned i = 0; i < count; ++i) {
        Filter flt;
        flt.id = c.u16();
        const unsigned name_size = version == 1 || flt.id >= 256 ? c.u16() : 0;
        c.skip(2);  // flags
        const unsigned n = c.u16();
        c.skip(version == 1 ? (name_size + 7) / 8 * 8 : name_size);
        for (unsigned k = 0; k < n; ++k) flt.values.push_back(c.u32());
        if (version == 1 && n % 2) c.skip(4);
        c.expect(flt.id == 1 || flt.id == 2, "filter " + std::to_string(flt.id) +
                                                 " is not supported (n2d reads unfiltered data, deflate (1) and "
                                                 "shuffle (2))");
        out.push_back(std::move(flt));
    }
    return out;
}

// Undoes the filters (in reverse order) that the chunk's mask says were applied.
std::vector<unsigned char> unfilter(const File::Impl& f, Cursor& c, std::vector<unsigned char> bytes,
                                    const std::vector<Filter>& filters, std::uint32_t mask, std::uint32_t elem) {
    for (std::size_t i = filters.size(); i-- > 0;) {
        if (mask & (1u << i)) continue;
        if (filters[i].id == 1) {
            bytes = zlib_decompress(bytes.data(), bytes.size(), f.name() + " (deflated HDF5 chunk)");
        } else {  // shuffle: the bytes of each element were grouped by byte position
            const std::size_t n = bytes.size() / elem;
            std::vector<unsigned char> out(bytes);
            for (std::size_t b = 0; b < elem; ++b)
                for (std::size_t e = 0; e < n; ++e) out[e * elem + b] = bytes[b * n + e];
            bytes = std::move(out);
        }
        c.expect(bytes.size() <= kMaxOutputBytes, "a chunk decompresses to too many bytes");
    }
    return bytes;
}

struct ChunkReader {
    const File::Impl& f;
    std::vector<std::uint64_t> dims, chunk;  // dataset and chunk extents
    std::uint32_t elem = 0;
    std::vector<Filter> filters;
    std::vector<unsigned char>& out;
    std::set<std::uint64_t> visited;
    std::set<std::vector<std::uint64_t>> seen_chunks;
    std::uint64_t covered = 0;

    void node(std::uint64_t addr, std::size_t depth, int parent_level) {
        const std::size_t rank = chunk.size() + 1;
        const std::uint64_t key = 8 + 8 * rank;
        Cursor c = f.at(addr, 8 + 2 * f.offset_size(), "chunk B-tree node");
        c.expect(depth < kMaxTreeDepth && visited.insert(addr).second, "B-tree nodes form a cycle or are too deep");
        c.expect_signature("TREE");
        c.expect(c.u8() == 1, "B-tree node type (1, a chunk node, expected)");
        const int level = c.u8();
        c.expect(parent_level < 0 || level == parent_level - 1, "B-tree node level does not follow its parent's");
        const std::uint64_t used = c.u16();
        c.offset();
        c.offset();
        Cursor e = f.at(c.pos(), used * (key + f.offset_size()) + key, "chunk B-tree entries");
        for (std::uint64_t i = 0; i < used; ++i) {
            const std::uint32_t stored = e.u32(), mask = e.u32();
            std::vector<std::uint64_t> at(rank);
            for (auto& v : at) v = e.u(8);
            const std::uint64_t child = e.offset();
            e.expect(child != kUndefined, "undefined B-tree child");
            if (level > 0) {
                node(child, depth + 1, level);
                continue;
            }
            at.pop_back();  // the element-size dimension's offset
            e.expect(seen_chunks.insert(at).second && seen_chunks.size() <= kMaxChunks, "a chunk is listed twice");
            Cursor d = f.at(child, stored, "chunk data");
            std::vector<unsigned char> bytes(f.data() + child, f.data() + child + stored);
            bytes = unfilter(f, d, std::move(bytes), filters, mask, elem);
            copy(e, at, bytes);
        }
    }

    // Copies the part of a decoded chunk that lies inside the dataset, row by row.
    void copy(Cursor& e, const std::vector<std::uint64_t>& at, const std::vector<unsigned char>& bytes) {
        const std::size_t r = chunk.size();
        std::uint64_t chunk_elems = 1;
        for (std::size_t k = 0; k < r; ++k) {
            e.expect(at[k] % chunk[k] == 0 && at[k] < dims[k], "chunk offset outside the dataset");
            chunk_elems *= chunk[k];
        }
        e.expect(bytes.size() == chunk_elems * elem, "chunk holds " + std::to_string(bytes.size()) + " bytes, not " +
                                                         std::to_string(chunk_elems * elem));
        const std::uint64_t row = std::min(chunk[r - 1], dims[r - 1] - at[r - 1]);
        std::vector<std::uint64_t> idx(r, 0);  // position within the chunk; the last stays 0
        for (std::uint64_t src = 0; src < chunk_elems; src += chunk[r - 1]) {
            bool inside = true;
            std::uint64_t dst = 0;
            for (std::size_t k = 0; k < r; ++k) {
                inside = inside && at[k] + idx[k] < dims[k];
                dst = dst * dims[k] + at[k] + idx[k];
            }
            if (inside) {
                std::memcpy(out.data() + dst * elem, bytes.data() + src * elem, row * elem);
                covered += row;
            }
            for (std::size_t k = r - 1; k-- > 0;) {  // odometer over all but the last dimension
                if (++idx[k] < chunk[k]) break;
                idx[k] = 0;
            }
        }
    }
};

}  // namespace

FloatArray File::Impl::floats(std::uint64_t header, const std::string& path) const {
    const Message* space = nullptr;
    const Message* type = nullptr;
    const Message* layout = nullptr;
    const Message* filters = nullptr;
    const std::vector<Message> ms = messages(header);
    for (const Message& m : ms) {
        if (m.type == kDataspace) space = &m;
        if (m.type == kDatatype) type = &m;
        if (m.type == kLayout) layout = &m;
        if (m.type == kFilters) filters = &m;
    }
    if (!space || !type || !layout) fail(header, "object \"" + path + "\": not a dataset");
    const Datatype t = datatype(*type);
    const Dataspace s = dataspace(*space);
    Cursor c = at(layout->pos, layout->size, "data layout message");
    c.expect(t.cls == Datatype::fixed_float, "dataset \"" + path + "\" holds " +
                                                 (t.class_code == 1 ? std::string("float") : "non-float") +
                                                 " values of class " + std::to_string(t.class_code) +
                                                 ", not float32/float64");
    c.expect(s.count <= kMaxOutputBytes / t.size, "dataset \"" + path + "\" is too large");
    const std::uint64_t bytes = s.count * t.size;
    std::vector<unsigned char> raw;
    const unsigned version = c.u8();
    c.expect(version == 3 || version == 4, "data layout version " + std::to_string(version) +
                                               " is not supported (3 or 4 expected)");
    const unsigned cls = c.u8();
    // Version 4 stores compact and contiguous data as version 3 does; its chunk indexes differ.
    c.expect(version == 3 || cls < 2, "chunked storage of data layout version 4 (libver='latest') is not supported");
    if (cls == 0 || cls == 1) {  // compact: the data follows; contiguous: one block elsewhere
        c.expect(!filters, "filters on unchunked data");
        std::uint64_t addr, size;
        if (cls == 0) {
            size = c.u16();
            addr = c.pos();
            c.skip(size);
        } else {
            addr = c.offset();
            size = c.length();
            c.expect(addr != kUndefined || bytes == 0, "dataset \"" + path + "\" has no data written");
        }
        c.expect(size == bytes, "dataset \"" + path + "\" stores " + std::to_string(size) + " bytes where its shape needs " +
                                    std::to_string(bytes));
        if (bytes) {
            at(addr, size, "dataset data");  // checks the block lies inside the file
            raw.assign(data() + addr, data() + addr + size);
        }
    } else if (cls == 2) {
        const unsigned rank = c.u8();
        c.expect(rank >= 2 && rank == s.dims.size() + 1, "chunk rank does not match the dataspace");
        const std::uint64_t tree = c.offset();
        ChunkReader r{*this, s.dims, {}, t.size, {}, raw, {}, {}, 0};
        std::uint64_t chunk_bytes = t.size;
        for (unsigned k = 0; k + 1 < rank; ++k) {
            r.chunk.push_back(c.u32());
            c.expect(r.chunk.back() > 0 && r.chunk.back() <= kMaxOutputBytes / chunk_bytes,
                     "chunk dimension " + std::to_string(k) + " is zero or the chunk too large");
            chunk_bytes *= r.chunk.back();
        }
        c.expect(c.u32() == t.size, "chunk element size differs from the datatype's");
        if (filters) r.filters = parse_filters(*this, *filters);
        // Refuse before allocating a size the file cannot hold (deflate expands at most 1032 times).
        c.expect(bytes <= (r.filters.empty() ? size() : size() * 1032),
                 "dataset \"" + path + "\" needs " + std::to_string(bytes) + " bytes, more than the file can hold");
        raw.assign(bytes, 0);
        if (tree != kUndefined && s.count) r.node(tree, 0, -1);
        c.expect(r.covered == s.count, "dataset \"" + path + "\" has chunks never written (fill values are not "
                                                             "supported)");
    } else {
        c.fail("storage layout class " + std::to_string(cls) + " (virtual) is not supported");
    }
    FloatArray a;
    a.shape = s.dims;
    a.values.resize(static_cast<std::size_t>(s.count));
    if (t.size == 4) {
        if (s.count) std::memcpy(a.values.data(), raw.data(), bytes);
    } else {
        for (std::size_t i = 0; i < a.values.size(); ++i) {
            double v;
            std::memcpy(&v, raw.data() + 8 * i, 8);
            a.values[i] = static_cast<float>(v);
        }
    }
    return a;
}

}  // namespace n2d::hdf5
