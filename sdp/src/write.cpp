#include <sdp/write.hpp>

namespace sdp {
namespace {

void line(std::string& out, char type, std::string_view value)
{
    out += type;
    out += '=';
    out += value;
    out += "\r\n";
}

} // namespace

void write(description const& d, std::string& out)
{
    out += "v=0\r\n";
    auto const& o = d.origin;
    out += "o=";
    for (auto const* part :
         {&o.username, &o.session_id, &o.session_version, &o.nettype, &o.addrtype}) {
        out += *part;
        out += ' ';
    }
    out += o.address;
    out += "\r\n";
    line(out, 's', d.session_name);
    for (auto const& f : d.fields)
        line(out, f.type, f.value);
    for (auto const& m : d.media) {
        out += "m=";
        out += m.media;
        out += ' ';
        out += std::to_string(m.port);
        if (m.port_count) {
            out += '/';
            out += std::to_string(*m.port_count);
        }
        out += ' ';
        out += m.proto;
        for (auto const& fmt : m.formats) {
            out += ' ';
            out += fmt;
        }
        out += "\r\n";
        for (auto const& f : m.fields)
            line(out, f.type, f.value);
    }
}

std::string write(description const& d)
{
    std::string out;
    out.reserve(512);
    write(d, out);
    return out;
}

} // namespace sdp
