#pragma once
/// @file web_files.hpp
/// The browser files compiled into the binary (app/cmake/embed_web.cmake): the BFCP JavaScript
/// library (web/src, served under /web/bfcp/) and the web app (web/app, under /web/app/).
/// Looked up by exact name, so no request path can reach anything else. Thread-safe (constant
/// data).

#include <span>
#include <string_view>

namespace floorctl::app {

/// One embedded file.
struct web_file {
    std::string_view name;  ///< "bfcp/index.js", "app/index.html", "app/img/x.png"
    std::string_view bytes; ///< the file's content
    std::string_view etag;  ///< quoted strong validator: the start of the content's SHA-256
};

/// Every embedded file (generated at build time).
[[nodiscard]] std::span<web_file const> embedded_web_files() noexcept;

/// The file called `name` (see web_file::name), or nullptr.
[[nodiscard]] web_file const* find_web_file(std::string_view name) noexcept;

/// The Content-Type for a file name, by its extension; application/octet-stream when unknown.
[[nodiscard]] std::string_view web_content_type(std::string_view name) noexcept;

} // namespace floorctl::app
