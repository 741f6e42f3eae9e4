#include <floorctl/to_string.hpp>

#include <array>
#include <charconv>

namespace floorctl {

namespace {

constexpr std::string_view unknown = "Unknown";

template <std::size_t N>
[[nodiscard]] constexpr std::string_view pick(std::array<std::string_view, N> const& names,
                                              unsigned i) noexcept
{
    return i < N && !names[i].empty() ? names[i] : unknown;
}

constexpr std::array<std::string_view, 18> primitive_names{
    "",
    "FloorRequest",
    "FloorRelease",
    "FloorRequestQuery",
    "FloorRequestStatus",
    "UserQuery",
    "UserStatus",
    "FloorQuery",
    "FloorStatus",
    "ChairAction",
    "ChairActionAck",
    "Hello",
    "HelloAck",
    "Error",
    "FloorRequestStatusAck",
    "FloorStatusAck",
    "Goodbye",
    "GoodbyeAck",
};

constexpr std::array<std::string_view, 19> attribute_names{
    "",
    "BENEFICIARY-ID",
    "FLOOR-ID",
    "FLOOR-REQUEST-ID",
    "PRIORITY",
    "REQUEST-STATUS",
    "ERROR-CODE",
    "ERROR-INFO",
    "PARTICIPANT-PROVIDED-INFO",
    "STATUS-INFO",
    "SUPPORTED-ATTRIBUTES",
    "SUPPORTED-PRIMITIVES",
    "USER-DISPLAY-NAME",
    "USER-URI",
    "BENEFICIARY-INFORMATION",
    "FLOOR-REQUEST-INFORMATION",
    "REQUESTED-BY-INFORMATION",
    "FLOOR-REQUEST-STATUS",
    "OVERALL-REQUEST-STATUS",
};

constexpr std::array<std::string_view, 8> status_names{
    "", "Pending", "Accepted", "Granted", "Denied", "Cancelled", "Released", "Revoked",
};

constexpr std::array<std::string_view, 5> priority_names{
    "Lowest", "Low", "Normal", "High", "Highest",
};

constexpr std::array<std::string_view, 15> error_code_names{
    "",
    "Conference Does Not Exist",
    "User Does Not Exist",
    "Unknown Primitive",
    "Unknown Mandatory Attribute",
    "Unauthorized Operation",
    "Invalid FloorID",
    "Floor Request ID Does Not Exist",
    "Maximum Number of Ongoing Floor Requests Reached",
    "Use TLS",
    "Unable to Parse Message",
    "Use DTLS",
    "Unsupported Version",
    "Incorrect Message Length",
    "Generic Error",
};

// ---- describe() helpers: plain appends and to_chars, no iostreams ----

void put(std::string& s, std::string_view v)
{
    s.append(v);
}

void put_num(std::string& s, unsigned long v)
{
    std::array<char, 24> buf{};
    auto const r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    s.append(buf.data(), r.ptr);
}

template <class E> void put_id(std::string& s, std::string_view key, E id)
{
    s += ' ';
    put(s, key);
    s += '=';
    put_num(s, to_underlying(id));
}

void put_text(std::string& s, std::string_view key, std::string_view v)
{
    constexpr char hex[] = "0123456789abcdef";
    s += ' ';
    put(s, key);
    s += "=\"";
    for (char c : v) {
        auto const u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
            s += "\\x";
            s += hex[u >> 4];
            s += hex[u & 15];
        } else {
            s += c;
        }
    }
    s += '"';
}

void put_status(std::string& s, request_status_value const& v)
{
    put(s, to_string(v.status));
    if (v.queue_position != 0) {
        s += "(q";
        put_num(s, v.queue_position);
        s += ')';
    }
}

void put_user(std::string& s, std::string_view key, user_information const& u)
{
    s += ' ';
    put(s, key);
    s += "={id=";
    put_num(s, to_underlying(u.id));
    if (u.display_name) put_text(s, "name", *u.display_name);
    if (u.uri) put_text(s, "uri", *u.uri);
    s += '}';
}

void put_floors(std::string& s, floor_list const& f)
{
    s += " floors=[";
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (i != 0) s += ',';
        put_num(s, to_underlying(f[i]));
    }
    s += ']';
}

void put_fri(std::string& s, floor_request_information const& r)
{
    s += " {req=";
    put_num(s, to_underlying(r.id));
    if (r.overall) {
        s += " overall=";
        put_num(s, to_underlying(r.overall->id));
        if (r.overall->status) {
            s += ':';
            put_status(s, *r.overall->status);
        }
        if (r.overall->status_info) put_text(s, "info", *r.overall->status_info);
    }
    for (auto const& f : r.floors) {
        s += " floor=";
        put_num(s, to_underlying(f.floor));
        if (f.status) {
            s += ':';
            put_status(s, *f.status);
        }
        if (f.status_info) put_text(s, "info", *f.status_info);
    }
    if (r.beneficiary) put_user(s, "beneficiary", *r.beneficiary);
    if (r.requested_by) put_user(s, "requested_by", *r.requested_by);
    if (r.prio) {
        s += " prio=";
        put(s, to_string(*r.prio));
    }
    if (r.participant_info) put_text(s, "pinfo", *r.participant_info);
    s += '}';
}

void put_list(std::string& s, std::string_view key, std::vector<std::uint8_t> const& v)
{
    s += ' ';
    put(s, key);
    s += "=[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i != 0) s += ',';
        put_num(s, v[i]);
    }
    s += ']';
}

} // namespace

std::string_view to_string(primitive p) noexcept
{
    return pick(primitive_names, to_underlying(p));
}
std::string_view to_string(attribute_type t) noexcept
{
    return pick(attribute_names, to_underlying(t));
}
std::string_view to_string(request_status s) noexcept
{
    return pick(status_names, to_underlying(s));
}
std::string_view to_string(priority p) noexcept
{
    return pick(priority_names, to_underlying(p));
}
std::string_view to_string(error_code c) noexcept
{
    return pick(error_code_names, to_underlying(c));
}

std::string_view to_string(error e) noexcept
{
    switch (e) {
    case error::truncated_header:
        return "truncated_header";
    case error::unsupported_version:
        return "unsupported_version";
    case error::bad_length:
        return "bad_length";
    case error::parse_error:
        return "parse_error";
    case error::unknown_primitive:
        return "unknown_primitive";
    case error::unknown_mandatory_attribute:
        return "unknown_mandatory_attribute";
    case error::conference_does_not_exist:
        return "conference_does_not_exist";
    case error::user_does_not_exist:
        return "user_does_not_exist";
    case error::unauthorized_operation:
        return "unauthorized_operation";
    case error::invalid_floor_id:
        return "invalid_floor_id";
    case error::floor_request_id_does_not_exist:
        return "floor_request_id_does_not_exist";
    case error::max_floor_requests_reached:
        return "max_floor_requests_reached";
    case error::use_tls:
        return "use_tls";
    case error::generic:
        return "generic";
    }
    return unknown;
}

std::string_view to_string(close_reason r) noexcept
{
    switch (r) {
    case close_reason::client_goodbye:
        return "client goodbye";
    case close_reason::superseded:
        return "superseded";
    case close_reason::protocol_error:
        return "protocol error";
    case close_reason::removed:
        return "removed";
    case close_reason::shutdown:
        return "shutdown";
    }
    return unknown;
}

std::string_view to_string(change_kind k) noexcept
{
    switch (k) {
    case change_kind::floor_granted:
        return "floor_granted";
    case change_kind::floor_released:
        return "floor_released";
    case change_kind::floor_revoked:
        return "floor_revoked";
    case change_kind::queue_changed:
        return "queue_changed";
    case change_kind::participant_joined:
        return "participant_joined";
    case change_kind::participant_left:
        return "participant_left";
    }
    return unknown;
}

std::string_view primitive_name(std::uint8_t wire_number) noexcept
{
    if (wire_number == 18) return "GoodbyeAck(draft)";
    if (wire_number >= 90 && wire_number <= 95) return "Vendor";
    return pick(primitive_names, wire_number);
}

std::string describe(message const& m)
{
    std::string s;
    s.reserve(128);
    auto const prim = primitive_of(m.payload);
    put(s, primitive_name(prim));
    if (std::holds_alternative<vendor_message>(m.payload)) {
        s += '(';
        put_num(s, prim);
        s += ')';
    }
    s += " v";
    put_num(s, m.header.version);
    if (m.header.responder) s += " R";
    if (m.header.fragmented) s += " F";
    put_id(s, "conf", m.header.conference);
    put_id(s, "tid", m.header.transaction);
    put_id(s, "user", m.header.user);
    std::visit(
        [&](auto const& b) {
            using T = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<T, floor_request>) {
                put_floors(s, b.floors);
                if (b.beneficiary) put_id(s, "beneficiary", *b.beneficiary);
                if (b.participant_info)
                    put_text(s, "pinfo", {b.participant_info->data(), b.participant_info->size()});
                if (b.prio) {
                    s += " prio=";
                    put(s, to_string(*b.prio));
                }
            } else if constexpr (std::is_same_v<T, floor_release> ||
                                 std::is_same_v<T, floor_request_query>) {
                put_id(s, "req", b.id);
            } else if constexpr (std::is_same_v<T, floor_request_status> ||
                                 std::is_same_v<T, chair_action>) {
                put_fri(s, b.info);
            } else if constexpr (std::is_same_v<T, user_query>) {
                if (b.beneficiary) put_id(s, "beneficiary", *b.beneficiary);
            } else if constexpr (std::is_same_v<T, user_status>) {
                if (b.beneficiary) put_user(s, "beneficiary", *b.beneficiary);
                for (auto const& r : b.requests)
                    put_fri(s, r);
            } else if constexpr (std::is_same_v<T, floor_query>) {
                put_floors(s, b.floors);
            } else if constexpr (std::is_same_v<T, floor_status>) {
                if (b.floor) put_id(s, "floor", *b.floor);
                for (auto const& r : b.requests)
                    put_fri(s, r);
            } else if constexpr (std::is_same_v<T, hello_ack>) {
                put_list(s, "primitives", b.supported_primitives);
                put_list(s, "attributes", b.supported_attributes);
            } else if constexpr (std::is_same_v<T, error_reply>) {
                s += " code=";
                put_num(s, to_underlying(b.code));
                s += " (";
                put(s, to_string(b.code));
                s += ')';
                if (!b.unknown_attributes.empty()) put_list(s, "unknown", b.unknown_attributes);
                if (b.info) put_text(s, "info", *b.info);
            }
        },
        m.payload);
    return s;
}

} // namespace floorctl
