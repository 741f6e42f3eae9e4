#include <sdp/description.hpp>

#include "chars.hpp"

namespace sdp {

attribute_view split_attribute(std::string_view value) noexcept
{
    auto const colon = value.find(':');
    if (colon == std::string_view::npos) return {value, {}, false};
    return {value.substr(0, colon), value.substr(colon + 1), true};
}

std::optional<std::string_view> find_attribute(std::span<field const> fields,
                                               std::string_view name) noexcept
{
    for (auto const& f : fields) {
        if (f.type != 'a') continue;
        auto const a = split_attribute(f.value);
        if (a.name == name) return a.value;
    }
    return std::nullopt;
}

std::size_t count_attribute(std::span<field const> fields, std::string_view name) noexcept
{
    std::size_t n = 0;
    for (auto const& f : fields)
        if (f.type == 'a' && split_attribute(f.value).name == name) ++n;
    return n;
}

std::optional<connection_data> parse_connection(std::string_view value) noexcept
{
    detail::sp_splitter sp(value);
    auto const nettype = sp.next();
    if (sp.done()) return std::nullopt;
    auto const addrtype = sp.next();
    if (sp.done()) return std::nullopt;
    auto const address = sp.next();
    if (!sp.done() || !detail::is_token(nettype) || !detail::is_token(addrtype) ||
        !detail::is_visible_ascii(address))
        return std::nullopt;
    return connection_data{nettype, addrtype, address};
}

} // namespace sdp
