// The data folder, the paper's named datasets, and loading any supported file by path.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <system_error>

#include "n2d/data/detail/inflate.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/data/readers.hpp"

namespace n2d::inline v0 {

namespace fs = std::filesystem;

namespace {

const char* const kFetchHint = "datasets/fetch puts them there; see datasets/README.md";

// `dir/name.gz` when it exists, else `dir/name`; an error saying what is missing otherwise.
std::string find_file(const fs::path& dir, const std::string& name, const std::string& dataset) {
    const fs::path gz = dir / (name + ".gz"), raw = dir / name;
    if (is_file(gz)) return gz.string();
    if (is_file(raw)) return raw.string();
    N2D_FAIL("n2d: dataset '" + dataset + "': missing " + gz.string() + " (or " + raw.string() + "); " + kFetchHint);
}

std::vector<std::string> digit_names() {
    std::vector<std::string> names;
    for (int d = 0; d < 10; ++d) names.push_back(std::to_string(d));
    return names;
}

// MNIST-style folder: train and/or t10k image + label IDX files, pixels / 255.
Dataset load_mnist_like(const fs::path& dir, const std::string& name, bool with_train,
                        std::vector<std::string> class_names) {
    std::vector<std::string> parts;
    if (with_train) parts.push_back("train");
    parts.push_back("t10k");
    std::vector<IdxFile> images;
    std::vector<std::vector<int>> labels;
    std::size_t total = 0;
    for (const std::string& part : parts) {
        images.push_back(open_idx(find_file(dir, part + "-images-idx3-ubyte", name)));
        const std::string label_path = find_file(dir, part + "-labels-idx1-ubyte", name);
        labels.push_back(read_idx_labels(label_path, class_names.size()));
        const IdxFile& im = images.back();
        if (im.type != 0x08 || im.dims.size() != 3 || im.dims[1] != 28 || im.dims[2] != 28)
            N2D_FAIL("n2d: " + im.path + ": expected unsigned-byte images of 28 x 28 pixels; the file is not " + name +
                        " data");
        if (labels.back().size() != im.count())
            N2D_FAIL("n2d: " + label_path + " has " + std::to_string(labels.back().size()) + " labels but " +
                        im.path + " has " + std::to_string(im.count()) +
                        " images; the files do not belong together (" + kFetchHint + ")");
        total += im.count();
    }
    Dataset d;
    d.name = name;
    d.x = Matrix(total, 28 * 28);
    std::size_t row = 0;
    for (std::size_t i = 0; i < images.size(); ++i) {
        copy_idx_images(images[i], d.x, row, 255.0);
        row += images[i].count();
        d.labels.insert(d.labels.end(), labels[i].begin(), labels[i].end());
        images[i].bytes = {};  // release each decompressed file as soon as it is copied
    }
    d.class_names = std::move(class_names);
    return d;
}

std::string lower_case(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Appends the rows and labels of `b` to `a` (same width).
Dataset concatenate(const std::string& name, const Dataset& a, const Dataset& b) {
    if (a.x.cols() != b.x.cols())
        N2D_FAIL("n2d: dataset '" + name + "': the train part has " + std::to_string(a.x.cols()) +
                    " columns but the test part has " + std::to_string(b.x.cols()));
    Dataset d;
    d.name = name;
    d.x = Matrix(a.x.rows() + b.x.rows(), a.x.cols());
    std::copy(a.x.data(), a.x.data() + a.x.size(), d.x.data());
    std::copy(b.x.data(), b.x.data() + b.x.size(), d.x.data() + a.x.size());
    d.labels = a.labels;
    d.labels.insert(d.labels.end(), b.labels.begin(), b.labels.end());
    return d;
}

// USPS: usps_train.jf + usps_test.jf, values as stored (the paper's loader does not rescale).
Dataset load_usps(const fs::path& dir) {
    const Dataset train = read_usps_jf(find_file(dir, "usps_train.jf", "usps"));
    const Dataset test = read_usps_jf(find_file(dir, "usps_test.jf", "usps"));
    Dataset d = concatenate("usps", train, test);
    if (d.n_classes() > 10) N2D_FAIL("n2d: dataset 'usps': labels beyond 0..9 found; the files are not USPS");
    d.class_names = digit_names();
    return d;
}

// Pendigits: pendigits.tra + pendigits.tes, 16 features then the digit; features / 100.
Dataset load_pendigits(const fs::path& dir) {
    CsvOptions csv;
    csv.delimiter = ',';
    csv.header = CsvHeader::absent;
    csv.label_column = LabelColumn::last;
    csv.n_classes = 10;
    const Dataset train = read_csv(find_file(dir, "pendigits.tra", "pendigits"), csv);
    const Dataset test = read_csv(find_file(dir, "pendigits.tes", "pendigits"), csv);
    Dataset d = concatenate("pendigits", train, test);
    for (std::size_t i = 0; i < d.x.size(); ++i) d.x.data()[i] = static_cast<float>(double(d.x.data()[i]) / 100.0);
    d.class_names = digit_names();
    return d;
}

bool looks_like_har(const fs::path& dir) {
    return is_file(dir / "activity_labels.txt") || is_dir(dir / "train") || is_dir(dir / "test");
}

}  // namespace

std::size_t Dataset::n_classes() const {
    if (!class_names.empty()) return class_names.size();
    int top = -1;
    for (int l : labels) top = std::max(top, l);
    return static_cast<std::size_t>(top + 1);
}

fs::path resolve_data_dir(const std::string& override_dir) {
    if (!override_dir.empty()) {
        if (!is_dir(override_dir))
            N2D_FAIL("n2d: data folder '" + override_dir +
                        "' (the data_dir argument / --data-dir) does not exist or is not a folder; pass an existing folder");
        return override_dir;
    }
    if (const char* env = std::getenv("N2D_DATA_DIR"); env && *env) {
        if (!is_dir(env))
            N2D_FAIL(std::string("n2d: N2D_DATA_DIR is '") + env +
                        "', which does not exist or is not a folder; set it to the datasets folder or unset it");
        return env;
    }
    const fs::path user = user_data_dir();
    if (!user.empty() && is_dir(user)) return user;
    N2D_FAIL("n2d: no datasets folder found: pass --data-dir DIR (library: the data_dir argument), set "
             "N2D_DATA_DIR, or fill the per-user folder " +
             (user.empty() ? std::string("~/.n2d/datasets (no home folder is set here)") : user.string()) + " with `datasets/fetch " +
             (user.empty() ? std::string("DIR") : user.string()) + "`; see datasets/README.md");
}

fs::path user_data_dir() {
#ifdef _WIN32
    const char* home = std::getenv("USERPROFILE");
#else
    const char* home = std::getenv("HOME");
#endif
    if (!home || !*home) return {};
    return fs::path(home) / ".n2d" / "datasets";
}

const std::vector<std::string>& named_datasets() {
    static const std::vector<std::string> names = {"mnist",     "mnist-test", "fashion",  "usps",
                                                   "pendigits", "har",        "synthetic"};
    return names;
}

bool is_named_dataset(const std::string& name) {
    const auto& names = named_datasets();
    return std::find(names.begin(), names.end(), name) != names.end();
}

Dataset load_dataset(const std::string& name_or_path, const std::string& data_dir) {
    const std::string& name = name_or_path;
    if (name == "synthetic") return make_synthetic();
    if (is_named_dataset(name)) {
        const fs::path dir = resolve_data_dir(data_dir);
        if (name == "mnist") return load_mnist_like(dir / "mnist", name, true, digit_names());
        if (name == "mnist-test") return load_mnist_like(dir / "mnist", name, false, digit_names());
        if (name == "fashion")
            return load_mnist_like(dir / "fashion", name, true,
                                   {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                                    "Bag", "Ankle boot"});
        if (name == "usps") return load_usps(dir / "usps");
        if (name == "pendigits") return load_pendigits(dir / "pendigits");
        if (name == "har") return read_har(dir / "har");
    }
    if (!is_file(name) && !is_dir(name)) {
        std::string known;
        for (const auto& n : named_datasets()) known += (known.empty() ? "" : ", ") + n;
        N2D_FAIL("n2d: '" + name + "' is neither a named dataset (" + known + ") nor an existing file");
    }
    if (is_dir(name)) {
        if (looks_like_har(name)) return read_har(name);
        N2D_FAIL("n2d: " + name + " is a folder but not in the UCI HAR layout (train/, test/, activity_labels.txt); "
                    "pass a data file instead");
    }
    std::string lower = lower_case(fs::path(name).filename().string());
    if (ends_with(lower, ".gz")) lower.resize(lower.size() - 3);
    if (ends_with(lower, ".npy")) return read_npy(name);
    if (ends_with(lower, ".jf")) return read_usps_jf(name);
    if (ends_with(lower, "-ubyte") || ends_with(lower, ".idx")) return read_idx(name);
    CsvOptions csv;
    if (ends_with(lower, ".csv")) csv.delimiter = ',';
    if (ends_with(lower, ".tsv")) csv.delimiter = '\t';
    if (ends_with(lower, ".csv") || ends_with(lower, ".tsv") || ends_with(lower, ".txt") || ends_with(lower, ".dat"))
        return read_csv(name, csv);
    // No known extension: decide by content.
    const std::vector<unsigned char> head = read_maybe_gzipped(name);
    if (head.size() >= 6 && head[0] == 0x93 && std::equal(head.begin() + 1, head.begin() + 6, "NUMPY")) return read_npy(name);
    if (head.size() >= 4 && head[0] == 0 && head[1] == 0 && head[3] >= 1 && head[3] <= 8) return read_idx(name);
    N2D_FAIL("n2d: " + name +
                ": unknown file format; use .csv, .tsv, .txt, .npy, .jf, IDX (-ubyte or .idx), optionally gzipped (.gz), "
                "or a UCI HAR folder");
}

}  // namespace n2d
