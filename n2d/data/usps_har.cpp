// USPS .jf files and the UCI HAR folder layout.
#include <algorithm>

#include "n2d/core/detail/file.hpp"
#include "n2d/data/detail/inflate.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/data/detail/text_scan.hpp"

namespace n2d::inline v0 {

namespace fs = std::filesystem;

namespace {

// Next blank-separated token of [p, e) into [b, t); false at the end of the line.
bool next_token(const char*& p, const char* e, const char*& b, const char*& t) {
    p = text::skip_blanks(p, e);
    if (p == e) return false;
    b = p;
    while (p != e && !text::is_blank(*p)) ++p;
    t = p;
    return true;
}

const char* const kHarHome =
    "https://archive.ics.uci.edu/dataset/240/human+activity+recognition+using+smartphones "
    "('UCI HAR Dataset.zip')";

// `dir/name` or `dir/name.gz`; an error naming the missing file and where HAR comes from.
std::string har_file(const fs::path& dir, const std::string& name) {
    const fs::path raw = dir / name, gz = dir / (name + ".gz");
    if (is_file(raw)) return raw.string();
    if (is_file(gz)) return gz.string();
    N2D_FAIL("n2d: HAR: missing " + raw.string() + " (the UCI HAR file " + name +
                "); download the UCI HAR dataset from " + std::string(kHarHome) + " and copy its " + name +
                " there, or run `datasets/fetch --only har DIR` (see datasets/README.md)");
}

// "1 WALKING" ... with ids 1..K in order.
std::vector<std::string> read_activity_names(const std::string& path) {
    const std::vector<unsigned char> bytes = read_maybe_gzipped(path);
    text::LineReader lines(bytes);
    text::Line line;
    std::vector<std::string> names;
    while (lines.next(line)) {
        if (line.blank()) continue;
        const char* p = line.begin;
        const char *b = nullptr, *t = nullptr;
        next_token(p, line.end, b, t);
        long long id;
        if (!text::parse_int(b, t, id) || id != static_cast<long long>(names.size()) + 1)
            text::fail(path, line.number, "expected activity id " + std::to_string(names.size() + 1) +
                                              " followed by its name, found " + text::quoted(line.begin, line.end));
        const char* name_begin = text::skip_blanks(p, line.end);
        const char* name_end = text::trim_end(name_begin, line.end);
        if (name_begin == name_end) text::fail(path, line.number, "activity " + std::to_string(id) + " has no name");
        names.emplace_back(name_begin, name_end);
    }
    if (names.empty()) N2D_FAIL("n2d: " + path + ": no activities listed");
    return names;
}

std::size_t count_nonblank_lines(const std::string& path) {
    const std::vector<unsigned char> bytes = read_maybe_gzipped(path);
    text::LineReader lines(bytes);
    text::Line line;
    std::size_t n = 0;
    while (lines.next(line)) n += !line.blank();
    return n;
}

}  // namespace

Dataset read_usps_jf(const std::string& path) {
    const std::vector<unsigned char> bytes = read_maybe_gzipped(path);
    text::LineReader lines(bytes);
    text::Line line;
    const char *b = nullptr, *t = nullptr;
    long long k = 0, dim = 0;
    bool have_header = false, have_trailer = false;
    std::vector<float> values;
    std::vector<int> labels;
    while (lines.next(line)) {
        if (line.blank()) continue;
        const char* p = line.begin;
        if (have_trailer) text::fail(path, line.number, "data after the '-1' end line");
        if (!have_header) {
            if (!next_token(p, line.end, b, t) || !text::parse_int(b, t, k) || !next_token(p, line.end, b, t) ||
                !text::parse_int(b, t, dim) || next_token(p, line.end, b, t) || k < 1 || dim < 1 || k > 100000 ||
                dim > 1000000)
                text::fail(path, line.number, "expected the .jf header line 'classes features' (e.g. '10 256'), found " +
                                                  text::quoted(line.begin, line.end));
            have_header = true;
            continue;
        }
        next_token(p, line.end, b, t);
        long long label;
        if (!text::parse_int(b, t, label)) text::fail(path, line.number, "label " + text::quoted(b, t) + " is not an integer");
        if (label == -1 && !next_token(p, line.end, b, t)) {
            have_trailer = true;
            continue;
        }
        if (label < 0 || label >= k)
            text::fail(path, line.number, "label " + std::to_string(label) + " is out of range [0, " + std::to_string(k - 1) + "]");
        labels.push_back(static_cast<int>(label));
        long long count = 0;
        while (next_token(p, line.end, b, t)) {
            float v;
            if (!text::parse_float(b, t, v))
                text::fail(path, line.number, "value " + std::to_string(count + 1) + ": " + text::quoted(b, t) + " is not a number");
            if (!std::isfinite(v))
                text::fail(path, line.number, "value " + std::to_string(count + 1) + ": " + text::quoted(b, t) +
                                                  " is not a finite number (NaN/Inf are not allowed)");
            values.push_back(v);
            ++count;
        }
        if (count != dim)
            text::fail(path, line.number, "ragged row: " + std::to_string(count) + " values where the header says " +
                                              std::to_string(dim));
    }
    if (!have_header) N2D_FAIL("n2d: " + path + ": empty .jf file (no header line)");
    if (!have_trailer)
        N2D_FAIL("n2d: " + path + ": the file ends without the '-1' end line after " + std::to_string(labels.size()) +
                    " samples: it is truncated; obtain it again (see datasets/README.md)");
    if (labels.empty()) N2D_FAIL("n2d: " + path + ": no samples");
    Dataset d;
    d.name = dataset_name_from_path(path);
    d.x = Matrix(labels.size(), static_cast<std::size_t>(dim));
    std::copy(values.begin(), values.end(), d.x.data());
    d.labels = std::move(labels);
    return d;
}

Dataset read_har(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        N2D_FAIL("n2d: HAR: " + dir.string() + " is not a folder; expected the UCI HAR layout (train/, test/, activity_labels.txt)");
    Dataset d;
    d.name = "har";
    d.class_names = read_activity_names(har_file(dir, "activity_labels.txt"));
    // Check every file is there before reading the large ones.
    struct Part {
        std::string x, y;
    };
    std::vector<Part> parts;
    for (const char* part : {"train", "test"}) {
        const std::string p(part);
        parts.push_back({har_file(dir / p, "X_" + p + ".txt"), har_file(dir / p, "y_" + p + ".txt")});
    }
    CsvOptions table;
    table.delimiter = ' ';
    table.header = CsvHeader::absent;
    std::vector<Dataset> blocks;
    std::size_t rows = 0;
    for (const Part& part : parts) {
        Dataset block = read_csv(part.x, table);
        const std::vector<int> y = read_label_lines(part.y, 1, d.class_names.size());
        if (y.size() != block.x.rows())
            N2D_FAIL("n2d: HAR: " + part.x + " has " + std::to_string(block.x.rows()) + " rows but " + part.y + " has " +
                        std::to_string(y.size()) + " labels; the files do not belong together");
        if (!blocks.empty() && block.x.cols() != blocks[0].x.cols())
            N2D_FAIL("n2d: HAR: " + part.x + " has " + std::to_string(block.x.cols()) + " columns but " + parts[0].x +
                        " has " + std::to_string(blocks[0].x.cols()));
        block.labels = y;
        rows += block.x.rows();
        blocks.push_back(std::move(block));
    }
    const std::size_t cols = blocks[0].x.cols();
    if (is_file(dir / "features.txt")) {
        const std::size_t named = count_nonblank_lines((dir / "features.txt").string());
        if (named != cols)
            N2D_FAIL("n2d: HAR: " + parts[0].x + " has " + std::to_string(cols) + " columns but " +
                        (dir / "features.txt").string() + " names " + std::to_string(named) + " features");
    }
    d.x = Matrix(rows, cols);
    std::size_t row = 0;
    for (Dataset& block : blocks) {
        std::copy(block.x.data(), block.x.data() + block.x.size(), d.x.row(row));
        row += block.x.rows();
        d.labels.insert(d.labels.end(), block.labels.begin(), block.labels.end());
    }
    return d;
}

}  // namespace n2d
