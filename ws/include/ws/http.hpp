#pragma once
/// @file http.hpp
/// HTTP message types shared by the upgrade check and the app's HTTP handler.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace ws {

/// A complete HTTP request (headers + body), as read by the listener.
using http_request = boost::beast::http::request<boost::beast::http::string_body>;
/// A complete HTTP response. The listener sets Content-Length and keep-alive itself.
using http_response = boost::beast::http::response<boost::beast::http::string_body>;
/// HTTP status codes.
using http_status = boost::beast::http::status;

} // namespace ws
