#pragma once
/// @file write.hpp
/// msrp::write — a chunk to its wire form (RFC 4975 §9). Pure, usable from any thread.

#include <msrp/message.hpp>

#include <string>

namespace msrp {

/// Writes `m`: start line, To-Path, From-Path, the typed header fields in a fixed order, the
/// other header fields as kept, Content-Type and the body (when content_type is set), and the end
/// line. Precondition: `m` is well formed (as parse() returns it): parse(write(m)) == m.
[[nodiscard]] std::string write(message const& m);

/// A response to `request` (RFC 4975 §7.2): same transaction ID, To-Path the first URI of the
/// request's From-Path, From-Path the first URI of its To-Path, `code` and its reason phrase.
[[nodiscard]] message make_response(message const& request, std::uint16_t code,
                                    std::string comment = {});

} // namespace msrp
