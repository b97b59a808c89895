#include "n2d/cli/args.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>


namespace n2d::inline v0::cli {

namespace {

const OptionSpec* find_option(const CommandSpec& spec, const std::string& name) {
    for (const auto& o : spec.options)
        if (o.name == name) return &o;
    return nullptr;
}

const OptionAlias* find_alias(const CommandSpec& spec, const std::string& name) {
    for (const auto& a : spec.aliases)
        if (a.name == name) return &a;
    return nullptr;
}

// The target's spelling of an alias's value; throws for a flag alias's non-boolean value.
std::optional<std::string> translate_value(const OptionAlias& alias, const std::string& value, const std::string& cmd) {
    if (alias.flag_value) {
        if (value == "true" || value == "True" || value == "1") return std::string();
        if (value == "false" || value == "False" || value == "0") return std::nullopt;
        throw UsageError(cmd + ": option '" + alias.name + "' expects true or false, got '" + value + "'");
    }
    for (const auto& [from, to] : alias.values)
        if (from == value) return to;
    return value;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
    return s;
}

std::string short_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace

std::uint64_t parse_uint(const std::string& text, const std::string& what) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        throw UsageError("n2d: " + what + " expects a non-negative integer, got '" + text + "'");
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE) throw UsageError("n2d: " + what + " value '" + text + "' is too large");
    return v;
}

double parse_double(const std::string& text, const std::string& what) {
    char* end = nullptr;
    errno = 0;
    const double v = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v))
        throw UsageError("n2d: " + what + " expects a finite number, got '" + text + "'");
    return v;
}

Args Args::parse(const CommandSpec& spec, int argc, const char* const* argv, int first) {
    Args a;
    a.command_ = spec.name;
    const std::string cmd = "n2d " + spec.name;
    for (int i = first; i < argc; ++i) {
        std::string tok = argv[i];
        if (tok == "--help" || tok == "-h") {
            a.help_ = true;
            return a;
        }
        if (tok.size() > 2 && tok.compare(0, 2, "--") == 0) {
            std::string name = tok, inline_value;
            bool has_inline = false;
            if (auto eq = tok.find('='); eq != std::string::npos) {
                name = tok.substr(0, eq);
                inline_value = tok.substr(eq + 1);
                has_inline = true;
            }
            const std::string spelled = name;
            const OptionAlias* alias = find_alias(spec, name);
            if (alias) name = alias->target;
            const OptionSpec* o = find_option(spec, name);
            if (!o) throw UsageError(cmd + ": unknown option '" + spelled + "'; run `" + cmd + " --help` for the options");
            if (a.values_.count(name)) {
                const std::string& before = a.spelled_[name];
                throw UsageError(cmd + ": option '" + spelled + "' given twice" +
                                 (before == spelled ? std::string() : " (as '" + before + "' and '" + spelled + "')") +
                                 "; give it once");
            }
            const bool takes_value = !o->placeholder.empty() || (alias && alias->flag_value);
            std::string value;
            if (!takes_value) {
                if (has_inline) throw UsageError(cmd + ": option '" + spelled + "' takes no value");
            } else if (has_inline) {
                value = inline_value;
            } else {
                if (i + 1 >= argc)
                    throw UsageError(cmd + ": option '" + spelled + "' needs a value (" + spelled + " " +
                                     (o->placeholder.empty() ? std::string("true|false") : o->placeholder) + ")");
                value = argv[++i];
            }
            if (alias && takes_value) {
                auto translated = translate_value(*alias, value, cmd);
                if (!translated) continue;  // a boolean alias set to false leaves its flag unset
                value = *translated;
            }
            a.values_[name] = value;
            a.spelled_[name] = spelled;
            continue;
        }
        if (tok.size() > 1 && tok[0] == '-' && !(tok[1] >= '0' && tok[1] <= '9'))
            throw UsageError(cmd + ": unknown option '" + tok + "'; options start with '--' (run `" + cmd + " --help`)");
        a.positionals_.push_back(tok);
    }
    const std::size_t required = spec.positionals.size() - spec.optional_positionals;
    if (a.positionals_.size() < required || a.positionals_.size() > spec.positionals.size()) {
        std::string expect = spec.positionals.empty() ? "no positional arguments" : join(spec.positionals, " ");
        throw UsageError(cmd + ": expected " + expect + " but got " + std::to_string(a.positionals_.size()) +
                    " positional argument(s); usage: " + cmd + " " + spec.synopsis);
    }
    return a;
}

const std::string& Args::spelling(const std::string& name) const {
    auto it = spelled_.find(name);
    return it == spelled_.end() ? name : it->second;
}

bool Args::has(const std::string& name) const { return values_.count(name) != 0; }

std::optional<std::string> Args::value(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::string Args::get_string(const std::string& name, const std::string& fallback) const {
    auto v = value(name);
    if (!v) return fallback;
    if (v->empty()) throw UsageError("n2d " + command_ + ": option '" + spelling(name) + "' needs a non-empty value");
    return *v;
}

std::uint64_t Args::get_uint(const std::string& name, std::uint64_t fallback, std::uint64_t min, std::uint64_t max) const {
    auto v = value(name);
    if (!v) return fallback;
    const std::uint64_t x = parse_uint(*v, "n2d " + command_ + ": option '" + spelling(name) + "'");
    if (x < min || x > max)
        throw UsageError("n2d " + command_ + ": option '" + spelling(name) + "' is " + *v + " but must be in [" + std::to_string(min) +
                    ", " + (max == UINT64_MAX ? std::string("inf") : std::to_string(max)) + "]");
    return x;
}

double Args::get_double(const std::string& name, double fallback, double min, double max) const {
    auto v = value(name);
    if (!v) return fallback;
    const double x = parse_double(*v, "n2d " + command_ + ": option '" + spelling(name) + "'");
    if (x < min || x > max)
        throw UsageError("n2d " + command_ + ": option '" + spelling(name) + "' is " + *v + " but must be in [" + short_number(min) +
                    ", " + short_number(max) + "]");
    return x;
}

std::string Args::get_choice(const std::string& name, const std::string& fallback,
                             const std::vector<std::string>& choices) const {
    auto v = value(name);
    if (!v) return fallback;
    for (const auto& c : choices)
        if (c == *v) return c;
    throw UsageError("n2d " + command_ + ": option '" + spelling(name) + "' is '" + *v + "' but must be one of: " + join(choices, ", "));
}

std::vector<std::size_t> Args::get_size_list(const std::string& name, const std::vector<std::size_t>& fallback) const {
    auto v = value(name);
    if (!v) return fallback;
    std::vector<std::size_t> out;
    std::size_t start = 0;
    while (start <= v->size()) {
        const auto comma = v->find(',', start);
        const std::string item = v->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto x = parse_uint(item, "n2d " + command_ + ": option '" + spelling(name) + "' (comma-separated layer widths)");
        if (x == 0) throw UsageError("n2d " + command_ + ": option '" + spelling(name) + "' has a zero layer width; widths must be >= 1");
        out.push_back(static_cast<std::size_t>(x));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string help_text(const CommandSpec& spec) {
    std::string s = "usage: n2d " + spec.name + " " + spec.synopsis + "\n\n" + spec.summary + "\n";
    if (!spec.options.empty()) s += "\noptions:\n";
    for (const auto& o : spec.options) {
        std::string left = "  " + o.name + (o.placeholder.empty() ? "" : " " + o.placeholder);
        if (left.size() < 30) left.resize(30, ' ');
        else left += "\n" + std::string(30, ' ');
        s += left + o.help + "\n";
    }
    s += "  --help                      show this help\n";
    if (!spec.aliases.empty()) {
        s += "\naliases" + (spec.aliases_note.empty() ? std::string() : " (" + spec.aliases_note + ")") + ":\n";
        for (const auto& a : spec.aliases) {
            if (a.name == a.target && a.values.empty()) continue;
            std::string line = "  " + a.name + (a.name == a.target ? " also takes " : " = " + a.target);
            for (std::size_t i = 0; i < a.values.size(); ++i)
                line += (i ? ", " : (a.name == a.target ? "" : " (")) + a.values[i].first + "=" + a.values[i].second;
            if (!a.values.empty() && a.name != a.target) line += ")";
            if (a.flag_value) line += " (takes true|false)";
            s += line + "\n";
        }
    }
    return s;
}

}  // namespace n2d::cli
