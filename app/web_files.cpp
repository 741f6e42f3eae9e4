#include "web_files.hpp"

#include <array>
#include <utility>

namespace floorctl::app {

web_file const* find_web_file(std::string_view name) noexcept
{
    for (auto const& f : embedded_web_files()) {
        if (f.name == name) return &f;
    }
    return nullptr;
}

std::string_view web_content_type(std::string_view name) noexcept
{
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> types{{
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".jpg", "image/jpeg"},
        {".webp", "image/webp"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".ts", "text/plain; charset=utf-8"}, // type declarations, read by people and editors
    }};
    auto const dot = name.rfind('.');
    if (dot == std::string_view::npos || name.find('/', dot) != std::string_view::npos)
        return "application/octet-stream";
    auto const ext = name.substr(dot);
    for (auto const& [e, type] : types) {
        if (e == ext) return type;
    }
    return "application/octet-stream";
}

} // namespace floorctl::app
