// Test helpers: an independent reading of our PNG files (chunk walk with CRC check, IDAT
// decompression by the data component's inflate, PNG unfiltering) and a check by
// Python's zlib when python3 is installed.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "n2d/core/detail/checksum.hpp"
#include "n2d/data/detail/inflate.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

inline std::uint32_t be32(const unsigned char* p) {
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

struct PngChunk {
    std::string type;
    std::vector<unsigned char> data;
    bool crc_ok = false;
};

// Splits a PNG into chunks; `ok` is false when the signature or the chunk framing is wrong.
inline std::vector<PngChunk> png_chunks(const std::vector<unsigned char>& png, bool& ok) {
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    std::vector<PngChunk> chunks;
    ok = png.size() >= 8 && std::equal(sig, sig + 8, png.begin());
    std::size_t at = 8;
    while (ok && at < png.size()) {
        if (png.size() - at < 12) return ok = false, chunks;
        const std::size_t len = be32(&png[at]);
        if (png.size() - at - 12 < len) return ok = false, chunks;
        PngChunk c;
        c.type.assign(png.begin() + std::ptrdiff_t(at + 4), png.begin() + std::ptrdiff_t(at + 8));
        c.data.assign(png.begin() + std::ptrdiff_t(at + 8), png.begin() + std::ptrdiff_t(at + 8 + len));
        c.crc_ok = crc32(&png[at + 4], len + 4) == be32(&png[at + 8 + len]);
        chunks.push_back(std::move(c));
        at += 12 + len;
    }
    return chunks;
}

// Reverses PNG filtering of RGB8 scanlines; returns the pixels and the filter type of each row.
inline std::vector<unsigned char> png_unfilter(const std::vector<unsigned char>& raw, std::size_t width,
                                               std::size_t height, std::vector<int>& filters) {
    const std::size_t stride = 3 * width;
    std::vector<unsigned char> px(stride * height);
    filters.clear();
    for (std::size_t y = 0; y < height; ++y) {
        const int f = raw[y * (stride + 1)];
        filters.push_back(f);
        const unsigned char* src = &raw[y * (stride + 1) + 1];
        unsigned char* row = &px[y * stride];
        const unsigned char* up = y > 0 ? row - stride : nullptr;
        for (std::size_t i = 0; i < stride; ++i) {
            const int a = i >= 3 ? row[i - 3] : 0, b = up ? up[i] : 0, c = (up && i >= 3) ? up[i - 3] : 0;
            int pred = 0;
            if (f == 1) pred = a;
            else if (f == 2) pred = b;
            else if (f == 3) pred = (a + b) / 2;
            else if (f == 4) {
                const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
                pred = (pa <= pb && pa <= pc) ? a : pb <= pc ? b : c;
            }
            row[i] = static_cast<unsigned char>(src[i] + pred);
        }
    }
    return px;
}

inline bool python_zlib_available() {
    static const bool yes = std::system("python3 -c 'import zlib' >/dev/null 2>&1") == 0;
    return yes;
}

// Python decodes the PNG at `path` on its own (chunk CRCs, zlib, unfiltering) and prints
// "width height crc32-of-pixels"; returns that line, or "" when python3 failed.
inline std::string python_png_summary(const std::string& path) {
    const std::string out = path + ".summary";
    const std::string script =
        "import sys,zlib,struct\n"
        "d=open(sys.argv[1],'rb').read()\n"
        "assert d[:8]==bytes([137,80,78,71,13,10,26,10])\n"
        "p=8;idat=b'';w=h=0\n"
        "while p<len(d):\n"
        " n,=struct.unpack('>I',d[p:p+4]);t=d[p+4:p+8];c=d[p+8:p+8+n]\n"
        " assert zlib.crc32(t+c)==struct.unpack('>I',d[p+8+n:p+12+n])[0]\n"
        " if t==b'IHDR': w,h,bd,ct=struct.unpack('>IIBB',c[:10]);assert bd==8 and ct==2\n"
        " if t==b'IDAT': idat+=c\n"
        " p+=12+n\n"
        "raw=zlib.decompress(idat);s=3*w;px=bytearray(s*h)\n"
        "assert len(raw)==(s+1)*h\n"
        "for y in range(h):\n"
        " f=raw[y*(s+1)];o=y*s\n"
        " for i in range(s):\n"
        "  a=px[o+i-3] if i>=3 else 0;b=px[o-s+i] if y else 0;c=px[o-s+i-3] if (y and i>=3) else 0\n"
        "  if f==0: q=0\n"
        "  elif f==1: q=a\n"
        "  elif f==2: q=b\n"
        "  elif f==3: q=(a+b)//2\n"
        "  else:\n"
        "   pp=a+b-c;pa=abs(pp-a);pb=abs(pp-b);pc=abs(pp-c);q=a if (pa<=pb and pa<=pc) else (b if pb<=pc else c)\n"
        "  px[o+i]=(raw[y*(s+1)+1+i]+q)&255\n"
        "open(sys.argv[2],'w').write('%d %d %d'%(w,h,zlib.crc32(bytes(px))))\n";
    const std::string script_path = path + ".py";
    std::ofstream(script_path) << script;
    const int rc = std::system(("python3 '" + script_path + "' '" + path + "' '" + out + "' >/dev/null 2>&1").c_str());
    std::string line;
    if (rc == 0) std::getline(std::ifstream(out), line);
    std::remove(script_path.c_str());
    std::remove(out.c_str());
    return line;
}

// A fresh scratch path in this program's folder under the system temp folder.
inline std::string temp_path(const std::string& name) {
    static const ScratchDir dir("n2d-test-plot");
    return utf8(dir.path() / name);
}

}  // namespace n2d::test
