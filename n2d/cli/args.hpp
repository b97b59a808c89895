// Command-line parsing for the n2d tool: each subcommand declares its options once (name,
// value placeholder, help) and gets --help text and strict, typed parsing from that table.
// Errors are n2d::Error messages naming the option and saying what a valid value looks like.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "n2d/core/error.hpp"

namespace n2d::inline v0::cli {

// A command-line mistake (unknown option, bad value...): main() exits with status 2.
class UsageError : public Error {
public:
    explicit UsageError(const std::string& message) : Error(message) {}
};

struct OptionSpec {
    std::string name;         // "--epochs"
    std::string placeholder;  // "N"; empty for a flag without a value
    std::string help;         // one line; mention the default
};

// Another spelling of an option (the N2D paper's `--n_clusters` for `--clusters`). `values`
// maps this spelling's values to the target's ("GMM" → "gmm"); values not listed pass as given.
// `flag_value` aliases a flag (empty placeholder) with one that takes a boolean value
// (`--plot_all=true`): "true"/"1" set the flag, "false"/"0" leave it unset.
// An alias may name its own target to accept extra value spellings for an option.
struct OptionAlias {
    std::string name;
    std::string target;
    std::vector<std::pair<std::string, std::string>> values = {};
    bool flag_value = false;
};

struct CommandSpec {
    std::string name;                      // "fit"
    std::string synopsis;                  // "DATA [options]"
    std::string summary;                   // one paragraph shown under the usage line
    std::vector<std::string> positionals;  // names of the required positional arguments
    std::size_t optional_positionals = 0;  // how many of the trailing positionals may be omitted
    std::vector<OptionSpec> options;
    std::vector<OptionAlias> aliases = {};
    std::string aliases_note = {};  // one line under the aliases in --help
};

class Args {
public:
    // Parses argv[first..argc); throws n2d::Error on an unknown option, a missing value, a
    // repeated option, or a wrong number of positional arguments. `--help` sets help().
    static Args parse(const CommandSpec& spec, int argc, const char* const* argv, int first);

    bool help() const noexcept { return help_; }
    const std::vector<std::string>& positionals() const noexcept { return positionals_; }
    bool has(const std::string& name) const;
    std::optional<std::string> value(const std::string& name) const;
    std::string get_string(const std::string& name, const std::string& fallback) const;
    // Integer in [min, max]; the message names the option and the range.
    std::uint64_t get_uint(const std::string& name, std::uint64_t fallback, std::uint64_t min = 0,
                           std::uint64_t max = UINT64_MAX) const;
    double get_double(const std::string& name, double fallback, double min, double max) const;
    // One of `choices`.
    std::string get_choice(const std::string& name, const std::string& fallback,
                           const std::vector<std::string>& choices) const;
    // Comma-separated positive integers, e.g. "500,500,2000".
    std::vector<std::size_t> get_size_list(const std::string& name, const std::vector<std::size_t>& fallback) const;

    // How the user spelt an option given under an alias (else `name` itself), for messages.
    const std::string& spelling(const std::string& name) const;

private:
    std::string command_;
    bool help_ = false;
    std::vector<std::string> positionals_;
    std::map<std::string, std::string> values_;  // flags map to ""; keyed by the target spelling
    std::map<std::string, std::string> spelled_;  // target → the spelling the user wrote
};

// The --help text of a command.
std::string help_text(const CommandSpec& spec);

// Strict number parsing shared by the commands ("12abc", "", "-1" rejected); `what` names the source.
std::uint64_t parse_uint(const std::string& text, const std::string& what);
double parse_double(const std::string& text, const std::string& what);

}  // namespace n2d::cli
