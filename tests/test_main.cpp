// The test programs' main: doctest's, plus N2D_TEST_EXCLUDE, a --test-case-exclude filter read
// from the environment, for runners that cannot pass arguments to each program (the emulated
// cross builds run every program through ctest and leave out the slow cases that test no
// architecture-specific code). Command-line filters still apply on top.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>

int main(int argc, char** argv) {
    doctest::Context context;
    if (const char* exclude = std::getenv("N2D_TEST_EXCLUDE"); exclude && *exclude)
        context.addFilter("test-case-exclude", exclude);
    context.applyCommandLine(argc, argv);
    return context.run();
}
