#include "n2d/cli/json.hpp"

#include <cmath>
#include <cstdio>

namespace n2d::inline v0::cli {

std::string json_escape(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

JsonObject& JsonObject::add(const std::string& key, const std::string& value) {
    items_.emplace_back(key, json_escape(value));
    return *this;
}

JsonObject& JsonObject::add(const std::string& key, double value) {
    if (!std::isfinite(value)) {
        items_.emplace_back(key, "null");  // JSON has no NaN/Inf
        return *this;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", value);
    items_.emplace_back(key, buf);
    return *this;
}

JsonObject& JsonObject::add(const std::string& key, std::uint64_t value) {
    items_.emplace_back(key, std::to_string(value));
    return *this;
}

JsonObject& JsonObject::add(const std::string& key, bool value) {
    items_.emplace_back(key, value ? "true" : "false");
    return *this;
}

JsonObject& JsonObject::add(const std::string& key, const JsonObject& value) {
    items_.emplace_back(key, value.str());
    return *this;
}

JsonObject& JsonObject::add(const std::string& key, const std::vector<JsonObject>& values) {
    std::string s = "[";
    for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + values[i].str();
    items_.emplace_back(key, s + "]");
    return *this;
}

std::string JsonObject::str() const {
    std::string s = "{";
    for (std::size_t i = 0; i < items_.size(); ++i)
        s += (i ? ", " : "") + json_escape(items_[i].first) + ": " + items_[i].second;
    return s + "}";
}

}  // namespace n2d::cli
