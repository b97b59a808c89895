// A minimal JSON object writer for `--json` output: keys in insertion order, numbers printed
// with enough digits to round-trip, strings escaped. One object per command, on stdout.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace n2d::inline v0::cli {

class JsonObject {
public:
    JsonObject& add(const std::string& key, const std::string& value);
    JsonObject& add(const std::string& key, const char* value) { return add(key, std::string(value)); }
    JsonObject& add(const std::string& key, double value);
    JsonObject& add(const std::string& key, std::uint64_t value);
    JsonObject& add(const std::string& key, int value) { return add(key, static_cast<std::uint64_t>(value < 0 ? 0 : value)); }
    JsonObject& add(const std::string& key, bool value);
    JsonObject& add(const std::string& key, const JsonObject& value);
    JsonObject& add(const std::string& key, const std::vector<JsonObject>& values);
    std::string str() const;

private:
    std::vector<std::pair<std::string, std::string>> items_;  // key, encoded value
};

std::string json_escape(const std::string& s);

}  // namespace n2d::cli
