// msrp_relay_sequence_fuzz: any sequence of chunks on any of three connections (two clients, one
// with a user from the handshake, and a peer), closes and time passing -> no crash, hang or leak
// in msrp::relay; every chunk it sends parses, and its tables stay within their bounds.
//
// Input: records of [op][length][bytes...]: op % 8 = 0..2 chunk on connection op % 3 + 1,
// 3 = time passes by length seconds and expire() runs, 4 = the connection length % 3 + 1 closes
// and opens again, 5..7 = chunk on connection 2 after the session URI handed out is pasted in
// place of "@S" (so that routing is reached, not only refusals).

#include <msrp/parse.hpp>
#include <msrp/relay.hpp>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>

namespace {

class services final : public msrp::relay_services {
public:
    std::string md5_hex(std::string_view data) const override
    {
        // Not MD5: the fuzzer needs a deterministic function, not a secure one.
        auto const h = std::hash<std::string_view>{}(data);
        std::string out;
        for (int i = 0; i < 32; ++i)
            out += "0123456789abcdef"[(h >> ((i % 16) * 4)) & 15];
        return out;
    }
    std::string random_token() override { return "tok" + std::to_string(++n_) + "x"; }
    std::optional<std::string> password(std::string_view, std::string_view) override
    {
        return "pw";
    }

private:
    int n_ = 0;
};

void check(std::vector<msrp::relay_action> const& out, msrp::relay const& r,
           std::string& last_use_path)
{
    for (auto const& a : out) {
        std::string_view bytes;
        if (auto const* s = std::get_if<msrp::send_chunk>(&a)) bytes = s->bytes;
        if (auto const* s = std::get_if<msrp::send_to_hop>(&a)) bytes = s->bytes;
        if (bytes.empty()) continue;
        auto const m = msrp::parse(bytes);
        if (!m) std::abort();
        if (!m->use_path.empty()) last_use_path = msrp::to_string(m->use_path[0]);
    }
    if (r.pending_transactions() > 64 || r.session_count() > 3 * 8) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    services s;
    msrp::relay_options o;
    o.self = *msrp::parse_uri("msrps://relay.example.com:2855;tcp");
    o.aliases = {*msrp::parse_uri("msrps://relay.example.com:443;ws")};
    o.max_transactions = 64;
    o.max_nonces = 16;
    o.client_chunk = 8;
    msrp::relay r(o, s);
    msrp::time_point now{};
    std::string use_path;
    auto open_all = [&](msrp::connection_id c) {
        auto const kind = c == 3 ? msrp::connection_kind::peer : msrp::connection_kind::client;
        std::optional<std::string> user;
        if (c == 2) user = "alice";
        check(r.handle(msrp::connection_opened{c, kind, user}, now), r, use_path);
    };
    for (msrp::connection_id c = 1; c <= 3; ++c)
        open_all(c);

    std::size_t i = 0;
    while (i + 2 <= size) {
        auto const op = data[i] % 8;
        auto const len = std::size_t{data[i + 1]};
        i += 2;
        auto const n = std::min(len, size - i);
        std::string bytes(reinterpret_cast<char const*>(data + i), n);
        i += n;
        if (op <= 2) {
            check(r.handle(msrp::chunk_received{op + 1u, bytes}, now), r, use_path);
        } else if (op == 3) {
            now += std::chrono::seconds(len);
            check(r.expire(now), r, use_path);
        } else if (op == 4) {
            auto const c = len % 3 + 1;
            check(r.handle(msrp::connection_closed{c}, now), r, use_path);
            open_all(c);
        } else {
            for (auto at = bytes.find("@S"); at != std::string::npos; at = bytes.find("@S")) {
                bytes.replace(at, 2, use_path.empty() ? std::string("x") : use_path);
            }
            check(r.handle(msrp::chunk_received{2, bytes}, now), r, use_path);
        }
    }
    return 0;
}
