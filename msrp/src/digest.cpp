#include <msrp/digest.hpp>

#include "chars.hpp"

#include <utility>

namespace msrp {

std::string write_challenge(digest_challenge const& c)
{
    std::string out = "Digest realm=\"" + c.realm + "\", nonce=\"" + c.nonce + "\", qop=\"auth\"";
    if (c.stale) out += ", stale=true";
    return out;
}

std::optional<digest_credentials> parse_credentials(std::string_view header)
{
    constexpr std::string_view scheme = "Digest";
    if (header.size() <= scheme.size() || !detail::iequals(header.substr(0, 6), scheme) ||
        (header[6] != ' ' && header[6] != '\t')) {
        return std::nullopt;
    }
    auto rest = header.substr(7);
    digest_credentials c;
    static constexpr std::pair<std::string_view, std::string digest_credentials::*> fields[] = {
        {"username", &digest_credentials::username},  {"realm", &digest_credentials::realm},
        {"nonce", &digest_credentials::nonce},        {"uri", &digest_credentials::uri},
        {"response", &digest_credentials::response},  {"qop", &digest_credentials::qop},
        {"cnonce", &digest_credentials::cnonce},      {"nc", &digest_credentials::nc},
        {"algorithm", &digest_credentials::algorithm}};
    auto skip_space = [&] {
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
            rest.remove_prefix(1);
    };
    for (;;) {
        skip_space();
        if (rest.empty()) break;
        auto const eq = rest.find('=');
        if (eq == std::string_view::npos || eq == 0) return std::nullopt;
        auto name = rest.substr(0, eq);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
            name.remove_suffix(1);
        rest.remove_prefix(eq + 1);
        skip_space();
        std::string value;
        if (!rest.empty() && rest.front() == '"') {
            rest.remove_prefix(1);
            bool closed = false;
            while (!rest.empty()) {
                char const ch = rest.front();
                rest.remove_prefix(1);
                if (ch == '\\' && !rest.empty()) {
                    value += rest.front();
                    rest.remove_prefix(1);
                } else if (ch == '"') {
                    closed = true;
                    break;
                } else {
                    value += ch;
                }
            }
            if (!closed) return std::nullopt;
        } else {
            auto const end = rest.find_first_of(", \t");
            value = std::string(rest.substr(0, end));
            rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
            if (value.empty()) return std::nullopt;
        }
        std::string* slot = nullptr;
        for (auto const& [known, member] : fields) {
            if (detail::iequals(name, known)) slot = &(c.*member);
        }
        if (slot) {
            if (!slot->empty()) return std::nullopt; // repeated
            *slot = std::move(value);
        }
        skip_space();
        if (rest.empty()) break;
        if (rest.front() != ',') return std::nullopt;
        rest.remove_prefix(1);
    }
    if (c.username.empty() || c.realm.empty() || c.nonce.empty() || c.uri.empty() ||
        c.response.empty()) {
        return std::nullopt;
    }
    return c;
}

std::string digest_response(digest_hasher const& h, digest_credentials const& c,
                            std::string_view password, std::string_view method)
{
    auto const ha1 = h.md5_hex(c.username + ':' + c.realm + ':' + std::string(password));
    auto const ha2 = h.md5_hex(std::string(method) + ':' + c.uri);
    if (c.qop.empty()) return h.md5_hex(ha1 + ':' + c.nonce + ':' + ha2);
    return h.md5_hex(ha1 + ':' + c.nonce + ':' + c.nc + ':' + c.cnonce + ':' + c.qop + ':' + ha2);
}

bool digests_equal(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) return false;
    unsigned diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned>(static_cast<unsigned char>(a[i]) ^
                                      static_cast<unsigned char>(b[i]));
    }
    return diff == 0;
}

} // namespace msrp
