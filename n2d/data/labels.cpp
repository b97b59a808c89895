// Label files (text, IDX, .npy) and attaching labels to a dataset.
#include <algorithm>
#include <cctype>

#include "n2d/data/detail/inflate.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/data/detail/text_scan.hpp"

namespace n2d::inline v0 {

std::vector<int> read_label_lines(const std::string& path, int first, std::size_t n_classes) {
    const std::vector<unsigned char> bytes = read_maybe_gzipped(path);
    std::vector<int> labels;
    text::LineReader lines(bytes);
    text::Line line;
    bool seen_content = false;
    const long long lo = first, hi = n_classes ? lo + static_cast<long long>(n_classes) : (1ll << 31) + lo;
    while (lines.next(line)) {
        const char* b = text::skip_blanks(line.begin, line.end);
        const char* e = text::trim_end(b, line.end);
        if (b == e || *b == '#') continue;
        long long v;
        const bool first_line = !seen_content;
        seen_content = true;
        if (first_line && std::isalpha(static_cast<unsigned char>(*b)) && !text::parse_int(b, e, v)) continue;  // a header
        if (!text::parse_int(b, e, v))
            text::fail(path, line.number, text::quoted(b, e) + " is not an integer label (one label per line expected)");
        if (v < lo || v >= hi)
            text::fail(path, line.number,
                       "label " + std::to_string(v) + " is out of range [" + std::to_string(lo) + ", " +
                           (n_classes ? std::to_string(hi - 1) : std::string("...")) + "]");
        labels.push_back(static_cast<int>(v - lo));
    }
    return labels;
}

std::vector<int> load_labels(const std::string& path) {
    const std::string lower = [&] {
        std::string s = path;
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    }();
    auto ends_with = [&](const char* suffix) {
        const std::string s(suffix);
        return lower.size() >= s.size() && lower.compare(lower.size() - s.size(), s.size(), s) == 0;
    };
    if (ends_with("-ubyte") || ends_with("-ubyte.gz") || ends_with(".idx") || ends_with(".idx.gz"))
        return read_idx_labels(path);
    if (ends_with(".npy") || ends_with(".npy.gz")) return read_npy_labels(path);
    // No telling extension: binary formats by their magic, else text.
    const std::vector<unsigned char> head = read_maybe_gzipped(path);
    if (head.size() >= 6 && head[0] == 0x93 && std::equal(head.begin() + 1, head.begin() + 6, "NUMPY"))
        return read_npy_labels(path);
    if (head.size() >= 4 && head[0] == 0 && head[1] == 0 && head[3] == 1) return read_idx_labels(path);
    return read_label_lines(path);
}

void attach_labels(Dataset& dataset, std::vector<int> labels, const std::string& source) {
    if (labels.size() != dataset.x.rows())
        N2D_FAIL("n2d: " + source + " has " + std::to_string(labels.size()) + " labels but the data (" + dataset.name +
                    ") has " + std::to_string(dataset.x.rows()) + " rows; labels and data files must belong together");
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] < 0)
            N2D_FAIL("n2d: " + source + ": label " + std::to_string(labels[i]) + " of row " + std::to_string(i) +
                        " is negative; labels must be 0-based class ids");
    dataset.labels = std::move(labels);
}

}  // namespace n2d
