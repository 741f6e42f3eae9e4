#pragma once
/// @file wire.hpp
/// Test helpers for BFCP wire bytes: build frames with the production encoder plus raw attribute
/// octets, and read annotated golden files (tests/data/bfcp/*.hex). Header-only so that every
/// test binary and fuzz target can use it without extra link dependencies.

#include <floorctl/codec.hpp>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace floorctl::test {

using bytes = std::vector<std::byte>;

/// Bytes from integer literals: `to_bytes({0x20, 0x01})`.
inline bytes to_bytes(std::initializer_list<int> v)
{
    bytes out;
    out.reserve(v.size());
    for (int x : v)
        out.push_back(static_cast<std::byte>(x));
    return out;
}

/// A version-1 frame for primitive `p` (conference 1, transaction 1, user 1) whose payload is
/// exactly `attributes` (raw octets, already padded by the caller). The header comes from the
/// production encoder (header-only body), then Payload Length is patched to fit the attributes.
inline bytes wire(std::uint8_t p, std::initializer_list<int> attributes, std::uint8_t version = 1)
{
    message m;
    m.header.version = version;
    m.header.conference = conference_id{1};
    m.header.transaction = transaction_id{1};
    m.header.user = user_id{1};
    m.payload = vendor_message{p}; // header-only body carrying any primitive number
    auto out = encode(m);
    for (int x : attributes)
        out.push_back(static_cast<std::byte>(x));
    auto const words = (out.size() - 12) / 4;
    out[2] = static_cast<std::byte>(words >> 8);
    out[3] = static_cast<std::byte>(words & 0xff);
    return out;
}

/// Same, naming the primitive.
inline bytes wire(primitive p, std::initializer_list<int> attributes, std::uint8_t version = 1)
{
    return wire(static_cast<std::uint8_t>(p), attributes, version);
}

/// Parses annotated hex text: everything after '#' on a line is a comment; whitespace is
/// ignored; the rest must be hex digit pairs. Throws std::runtime_error on anything else.
inline bytes parse_hex(std::string const& text)
{
    bytes out;
    int hi = -1;
    bool comment = false;
    for (char c : text) {
        if (c == '\n') {
            comment = false;
            continue;
        }
        if (comment) continue;
        if (c == '#') {
            comment = true;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') continue;
        int v = -1;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        if (v < 0) throw std::runtime_error(std::string("bad character in hex text: ") + c);
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::byte>(hi << 4 | v));
            hi = -1;
        }
    }
    if (hi >= 0) throw std::runtime_error("odd number of hex digits");
    return out;
}

/// Reads and parses an annotated golden file.
inline bytes read_hex_file(std::string const& path)
{
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return parse_hex(s.str());
}

/// Decodes a whole frame (header + message); the error of the first stage that fails.
inline result<message> decode(bytes const& frame, decode_diagnostics* diag = nullptr)
{
    auto const h = decode_header(frame);
    if (!h) return h.error();
    return decode_message(*h, frame, diag);
}

} // namespace floorctl::test
