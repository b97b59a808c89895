// The data folder, the paper's named datasets, and loading any supported file by path.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <system_error>

#include "n2d/data/readers.hpp"

namespace n2d {

namespace fs = std::filesystem;

namespace {

const char* const kFetchHint = "datasets/fetch puts them there; see datasets/README.md";

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}
bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// `dir/name.gz` when it exists, else `dir/name`; an error saying what is missing otherwise.
std::string find_file(const fs::path& dir, const std::string& name, const std::string& dataset) {
    const fs::path gz = dir / (name + ".gz"), raw = dir / name;
    if (is_file(gz)) return gz.string();
    if (is_file(raw)) return raw.string();
    throw Error("n2d: dataset '" + dataset + "': missing " + gz.string() + " (or " + raw.string() + "); " + kFetchHint);
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
            throw Error("n2d: " + im.path + ": expected unsigned-byte images of 28 x 28 pixels; the file is not " + name +
                        " data");
        if (labels.back().size() != im.count())
            throw Error("n2d: " + label_path + " has " + std::to_string(labels.back().size()) + " labels but " +
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
            throw Error("n2d: data folder '" + override_dir +
                        "' (the data_dir argument / --data-dir) does not exist or is not a folder; pass an existing folder");
        return override_dir;
    }
    if (const char* env = std::getenv("N2D_DATA_DIR"); env && *env) {
        if (!is_dir(env))
            throw Error(std::string("n2d: N2D_DATA_DIR is '") + env +
                        "', which does not exist or is not a folder; set it to the datasets folder or unset it");
        return env;
    }
    std::vector<fs::path> tried;
    std::error_code ec;
    const fs::path cwd = fs::current_path(ec);
    if (!ec) tried.push_back((cwd / ".." / "shared" / "datasets").lexically_normal());
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        for (fs::path p = exe.parent_path(); !p.empty(); p = p.parent_path()) {
            tried.push_back((p / ".." / "shared" / "datasets").lexically_normal());
            if (p == p.parent_path()) break;
        }
    for (const fs::path& p : tried)
        if (is_dir(p)) return p;
    std::string where;
    for (std::size_t i = 0; i < tried.size() && i < 4; ++i) where += (i ? ", " : "") + tried[i].string();
    throw Error("n2d: no datasets folder found (looked for " + where +
                "); pass --data-dir DIR or set N2D_DATA_DIR to the folder holding mnist/, fashion/, ...; " + kFetchHint);
}

const std::vector<std::string>& named_datasets() {
    static const std::vector<std::string> names = {"mnist", "mnist-test", "fashion", "synthetic"};
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
    }
    if (!is_file(name) && !is_dir(name)) {
        std::string known;
        for (const auto& n : named_datasets()) known += (known.empty() ? "" : ", ") + n;
        throw Error("n2d: '" + name + "' is neither a named dataset (" + known + ") nor an existing file");
    }
    const std::string lower = lower_case(fs::path(name).filename().string());
    if (ends_with(lower, "-ubyte") || ends_with(lower, "-ubyte.gz") || ends_with(lower, ".idx") ||
        ends_with(lower, ".idx.gz"))
        return read_idx(name);
    throw Error("n2d: " + name + ": unknown file format; use .csv, .tsv, .txt, .npy, .jf or IDX (-ubyte), optionally .gz");
}

}  // namespace n2d
