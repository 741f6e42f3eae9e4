// sdp_parse_fuzz: any input -> sdp::parse never crashes, hangs or leaks; what parses survives
// write + re-parse unchanged; the BFCP answer logic runs on it and its answer parses again.

#include <sdp/bfcp.hpp>
#include <sdp/parse.hpp>
#include <sdp/write.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

sdp::answer_params const& params()
{
    static sdp::answer_params const p = [] {
        sdp::answer_params q;
        q.address = "bfcp.example.com";
        q.session_id = 1;
        q.session_version = 1;
        q.conference = floorctl::conference_id{1};
        q.user = floorctl::user_id{2};
        q.floors = {{floorctl::floor_id{1}, "10", ""}, {floorctl::floor_id{2}, "", "slides"}};
        q.wss = {"bfcp.example.com", 443, "/bfcp"};
        q.ws = {"bfcp.example.com", 8080, "/bfcp"};
        q.tcp = {"192.0.2.10", 5070};
        q.tls = {"192.0.2.10", 5071};
        q.udp = {{"192.0.2.10", 5072}, {"2001:db8::10", 5072}};
        q.dtls = {{"2001:db8::10", 5073}};
        q.tls_id = "fuzz-tls-id-00000000";
        q.tls_fingerprint = "SHA-256 AA:BB:CC";
        q.token = "fuzz-token";
        q.previous = sdp::established{sdp::transport::wss, "old-token", {}, {}};
        return q;
    }();
    return p;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    auto const d = sdp::parse(text);
    if (!d) {
        if (d.error().message.empty()) std::abort();
        return 0;
    }
    auto const written = sdp::write(*d);
    auto const again = sdp::parse(written);
    if (!again || !(*again == *d)) std::abort();
    if (sdp::write(*again) != written) std::abort();

    auto const a = sdp::make_answer(*d, params());
    if (a) {
        auto const back = sdp::parse(a->sdp);
        if (!back || back->media.size() != d->media.size()) std::abort();
        if (back->media[a->media_index].port == 0) std::abort();
    } else if (a.error().reason.find_first_of("\"\\\r\n") != std::string::npos) {
        std::abort(); // the reason goes into a SIP Warning quoted-string
    }
    return 0;
}
