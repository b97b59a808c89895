// Delimited text tables (CSV, TSV, whitespace-separated), parsed in place with std::from_chars.
#include <algorithm>
#include <map>

#include "n2d/data/detail/inflate.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/data/detail/text_scan.hpp"

namespace n2d::inline v0 {

namespace {

using Field = std::pair<const char*, const char*>;

// Splits [b, e) into `fields` (cleared first). delimiter ' ' splits at runs of blanks; any other
// delimiter splits at each occurrence, trims blanks and removes surrounding double quotes
// (a quoted field may contain the delimiter; "" inside quotes stays as written).
void split(const char* b, const char* e, char delimiter, std::vector<Field>& fields) {
    fields.clear();
    if (delimiter == ' ') {
        const char* p = text::skip_blanks(b, e);
        while (p != e) {
            const char* q = p;
            while (q != e && !text::is_blank(*q)) ++q;
            fields.emplace_back(p, q);
            p = text::skip_blanks(q, e);
        }
        return;
    }
    const char* p = b;
    for (;;) {
        p = text::skip_blanks(p, e);
        const char* fb = p;
        const char* fe;
        if (p != e && *p == '"') {
            const char* q = p + 1;
            while (q != e && !(*q == '"' && (q + 1 == e || q[1] != '"'))) q += (*q == '"') ? 2 : 1;
            fb = p + 1;
            fe = q < e ? q : e;
            p = q < e ? q + 1 : e;
            while (p != e && *p != delimiter) ++p;  // anything after the closing quote is ignored
        } else {
            while (p != e && *p != delimiter) ++p;
            fe = text::trim_end(fb, p);
        }
        fields.emplace_back(fb, fe);
        if (p == e) return;
        ++p;  // past the delimiter
    }
}

char detect_delimiter(const char* b, const char* e) {
    for (char c : {',', '\t', ';'})
        if (std::find(b, e, c) != e) return c;
    return ' ';
}

const char* delimiter_name(char d) {
    switch (d) {
        case ',': return "comma";
        case '\t': return "tab";
        case ';': return "semicolon";
        default: return "blank";
    }
}

// Collects labels as integers while they all are, switching to class names at the first text.
class LabelCollector {
public:
    LabelCollector(const std::string& path, std::size_t n_classes) : path_(path), n_classes_(n_classes) {}

    void add(const char* b, const char* e, std::size_t line) {
        if (b == e) text::fail(path_, line, "empty label field");
        long long v;
        if (names_.empty() && text::parse_int(b, e, v)) {
            if (v < 0 || v > 0x7fffffff || (n_classes_ && static_cast<unsigned long long>(v) >= n_classes_))
                text::fail(path_, line, "label " + std::to_string(v) + " is out of range [0, " +
                                            (n_classes_ ? std::to_string(n_classes_ - 1) : std::string("2^31")) +
                                            "]; labels must be non-negative class ids (or class names)");
            ints_.push_back(static_cast<int>(v));
            return;
        }
        if (n_classes_) text::fail(path_, line, text::quoted(b, e) + " is not an integer class label");
        if (names_.empty())
            for (int i : ints_) names_.push_back(std::to_string(i));
        names_.emplace_back(b, e);
    }

    // Labels, plus class names when the labels were texts.
    void finish(Dataset& d) {
        if (names_.empty()) {
            d.labels = std::move(ints_);
            return;
        }
        std::map<std::string, int> ids;
        for (const auto& n : names_) ids.emplace(n, 0);
        int next = 0;
        for (auto& [name, id] : ids) {
            id = next++;
            d.class_names.push_back(name);
        }
        d.labels.reserve(names_.size());
        for (const auto& n : names_) d.labels.push_back(ids[n]);
    }

private:
    const std::string& path_;
    std::size_t n_classes_;
    std::vector<int> ints_;
    std::vector<std::string> names_;
};

}  // namespace

Dataset read_csv(const std::string& path, const CsvOptions& options) {
    std::vector<unsigned char> bytes = read_maybe_gzipped(path);
    std::size_t skip = 0;
    if (bytes.size() >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) skip = 3;  // UTF-8 BOM
    if (skip) bytes.erase(bytes.begin(), bytes.begin() + 3);

    text::LineReader lines(bytes);
    text::Line line;
    std::vector<Field> fields;
    std::vector<float> values;
    LabelCollector labels(path, options.n_classes);
    char delimiter = options.delimiter;
    std::size_t n_fields = 0, label_col = 0, rows = 0;
    bool has_label = options.label_column != LabelColumn::none;
    bool first = true;

    while (lines.next(line)) {
        if (line.blank() || *text::skip_blanks(line.begin, line.end) == '#') continue;
        if (first) {
            if (delimiter == 0) delimiter = detect_delimiter(line.begin, line.end);
        }
        split(line.begin, line.end, delimiter, fields);
        if (first) {
            first = false;
            n_fields = fields.size();
            if (has_label) {
                label_col = options.label_column == LabelColumn::first  ? 0
                            : options.label_column == LabelColumn::last ? n_fields - 1
                                                                        : options.label_index;
                if (label_col >= n_fields)
                    text::fail(path, line.number,
                               "label column " + std::to_string(label_col) + " does not exist: the row has " +
                                   std::to_string(n_fields) + " fields (" + delimiter_name(delimiter) + "-separated)");
            }
            if (n_fields == (has_label ? 1u : 0u))
                text::fail(path, line.number, "the row has no feature columns");
            bool header = options.header == CsvHeader::present;
            if (options.header == CsvHeader::detect) {
                float v;
                for (std::size_t c = 0; c < n_fields && !header; ++c)
                    if (!(has_label && c == label_col) && !text::parse_float(fields[c].first, fields[c].second, v))
                        header = true;
            }
            if (header) continue;
        }
        if (fields.size() != n_fields)
            text::fail(path, line.number,
                       "ragged row: " + std::to_string(fields.size()) + " fields where the first row has " +
                           std::to_string(n_fields) + " (" + delimiter_name(delimiter) + "-separated)");
        for (std::size_t c = 0; c < n_fields; ++c) {
            const auto [b, e] = fields[c];
            if (has_label && c == label_col) {
                labels.add(b, e, line.number);
                continue;
            }
            float v;
            auto where = [c = c] { return "column " + std::to_string(c + 1) + ": "; };
            if (b == e) text::fail(path, line.number, where() + "empty field (missing value)");
            if (!text::parse_float(b, e, v)) text::fail(path, line.number, where() + text::quoted(b, e) + " is not a number");
            if (!std::isfinite(v))
                text::fail(path, line.number, where() + text::quoted(b, e) + " is not a finite number (NaN/Inf are not allowed)");
            values.push_back(v);
        }
        ++rows;
    }
    if (rows == 0) N2D_FAIL("n2d: " + path + ": no data rows (the file is empty or holds only a header)");

    Dataset d;
    d.name = dataset_name_from_path(path);
    const std::size_t cols = values.size() / rows;
    d.x = Matrix(rows, cols);
    std::copy(values.begin(), values.end(), d.x.data());
    if (has_label) labels.finish(d);
    return d;
}

}  // namespace n2d
