// The n2d tool's subcommands. Each takes the whole argv (argv[1] is the command's name),
// prints results on stdout, progress and errors on stderr, and returns the exit status:
// 0 success, 1 failure (n2d::Error), 2 a usage error.
#pragma once
#include <string>

namespace n2d::inline v0::cli {

int run_fit(int argc, const char* const* argv);
int run_predict(int argc, const char* const* argv);
int run_assess(int argc, const char* const* argv);
int run_info(int argc, const char* const* argv);

// `n2d info MODEL`'s report (cmd_info.cpp).
void print_model_summary(const char* path);
inline void print_model_summary(const std::string& path) { print_model_summary(path.c_str()); }

}  // namespace n2d::cli
