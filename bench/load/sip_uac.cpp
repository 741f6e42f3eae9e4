#include "sip_uac.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <poll.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <deque>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace bench {
namespace {

namespace net = boost::asio;
using udp = net::ip::udp;
using clock_type = std::chrono::steady_clock;

constexpr auto retransmit_after = std::chrono::milliseconds{500};

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

/// The URI inside <...> of a Contact value, or the value up to its first ';'.
std::string contact_uri(std::string_view v)
{
    auto const lt = v.find('<');
    if (lt != std::string_view::npos) {
        auto const gt = v.find('>', lt);
        if (gt != std::string_view::npos) return std::string(v.substr(lt + 1, gt - lt - 1));
    }
    return std::string(v.substr(0, v.find(';')));
}

/// The decimal after `prefix` at the start of some SDP line, or nullopt.
std::optional<unsigned long> sdp_number(std::string_view body, std::string_view prefix)
{
    std::size_t pos = 0;
    while (pos < body.size()) {
        auto eol = body.find('\n', pos);
        if (eol == std::string_view::npos) eol = body.size();
        auto const line = body.substr(pos, eol - pos);
        if (line.rfind(prefix, 0) == 0) {
            auto const digits = line.substr(prefix.size());
            if (!digits.empty() && std::isdigit(static_cast<unsigned char>(digits.front())))
                return std::strtoul(std::string(digits).c_str(), nullptr, 10);
        }
        pos = eol + 1;
    }
    return std::nullopt;
}

/// Fills the call from the answer's UDP/BFCP line; false when the line is refused or absent.
bool read_answer(std::string_view body, sip_call& c)
{
    auto const port = sdp_number(body, "m=application ");
    if (!port || *port == 0 || body.find("UDP/BFCP") == std::string_view::npos) return false;
    auto const conf = sdp_number(body, "a=confid:");
    auto const user = sdp_number(body, "a=userid:");
    auto const floor = sdp_number(body, "a=floorid:");
    if (!conf || !user || !floor) return false;
    c.bfcp_port = static_cast<std::uint16_t>(*port);
    c.conference = static_cast<std::uint32_t>(*conf);
    c.user = static_cast<std::uint16_t>(*user);
    c.floor = static_cast<std::uint16_t>(*floor);
    return true;
}

class uac {
public:
    uac(std::string const& host, std::uint16_t port)
        : socket_(ioc_), server_(net::ip::make_address(host), port)
    {
        socket_.open(udp::v4());
        socket_.bind(udp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        socket_.set_option(net::socket_base::receive_buffer_size(4 << 20));
        auto const local = "127.0.0.1:" + std::to_string(socket_.local_endpoint().port());
        caller_ = {"UDP", local, "sip:room@" + local};
    }

    sip_caller const& caller() const { return caller_; }

    void send(std::string const& bytes)
    {
        boost::system::error_code ec;
        socket_.send_to(net::buffer(bytes), server_, 0, ec); // a lost one is retransmitted
    }

    /// Runs one request per entry of `todo` (an index into calls), `window` at a time: `build`
    /// makes the request, `on_final` gets each final response of `method` and says whether the
    /// transaction is complete; `on_other` sees every other response.
    template <class Build, class OnFinal, class OnOther>
    void transact(std::vector<sip_call>& calls, std::vector<std::size_t> const& todo,
                  std::string_view method, std::size_t window, std::chrono::seconds timeout,
                  Build build, OnFinal on_final, OnOther on_other)
    {
        struct outstanding {
            std::string bytes;
            clock_type::time_point next;
        };
        std::unordered_map<std::string, std::size_t> by_call_id;
        for (std::size_t i = 0; i < calls.size(); ++i)
            by_call_id.emplace(calls[i].call_id, i);
        std::unordered_map<std::size_t, outstanding> open;
        std::size_t next = 0;
        auto const deadline = clock_type::now() + timeout;
        std::array<char, 65'535> buf{};
        while ((next < todo.size() || !open.empty()) && clock_type::now() < deadline) {
            while (open.size() < window && next < todo.size()) {
                auto const i = todo[next++];
                auto bytes = build(calls[i]);
                send(bytes);
                open.emplace(i,
                             outstanding{std::move(bytes), clock_type::now() + retransmit_after});
            }
            pollfd p{socket_.native_handle(), POLLIN, 0};
            if (::poll(&p, 1, 20) == 1) {
                boost::system::error_code ec;
                udp::endpoint from;
                auto const n = socket_.receive_from(net::buffer(buf), from, 0, ec);
                if (ec) continue;
                auto const r = parse_response(std::string_view(buf.data(), n));
                if (!r) continue;
                auto const it = by_call_id.find(std::string(r->call_id));
                if (it == by_call_id.end()) continue;
                auto& c = calls[it->second];
                if (r->cseq_method != method || r->status < 200 || !open.count(it->second)) {
                    on_other(c, *r);
                    continue;
                }
                if (on_final(c, *r)) open.erase(it->second);
            }
            auto const now = clock_type::now();
            for (auto& [i, o] : open) {
                if (now < o.next) continue;
                send(o.bytes);
                o.next = now + retransmit_after;
            }
        }
    }

private:
    net::io_context ioc_;
    udp::socket socket_;
    udp::endpoint server_;
    sip_caller caller_;
};

} // namespace

std::optional<sip_response> parse_response(std::string_view m)
{
    if (m.rfind("SIP/2.0 ", 0) != 0 || m.size() < 12) return std::nullopt;
    sip_response r;
    r.status = std::atoi(std::string(m.substr(8, 3)).c_str());
    auto const end_of_headers = m.find("\r\n\r\n");
    if (end_of_headers == std::string_view::npos) return std::nullopt;
    r.body = m.substr(end_of_headers + 4);
    auto pos = m.find("\r\n") + 2;
    while (pos < end_of_headers) {
        auto const eol = m.find("\r\n", pos);
        auto const line = m.substr(pos, eol - pos);
        pos = eol + 2;
        auto const colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        auto const name = trim(line.substr(0, colon));
        auto const value = trim(line.substr(colon + 1));
        if (iequals(name, "Call-ID") || iequals(name, "i"))
            r.call_id = value;
        else if (iequals(name, "To") || iequals(name, "t"))
            r.to = value;
        else if (iequals(name, "Contact") || iequals(name, "m"))
            r.contact = value;
        else if (iequals(name, "CSeq")) {
            auto const sp = value.find(' ');
            if (sp != std::string_view::npos) r.cseq_method = trim(value.substr(sp + 1));
        }
    }
    return r;
}

std::string invite_request(sip_caller const& from, sip_call const& c, std::string_view branch,
                           std::string_view application_lines)
{
    std::string sdp = "v=0\r\n"
                      "o=room 1 1 IN IP4 127.0.0.1\r\n"
                      "s=-\r\n"
                      "c=IN IP4 127.0.0.1\r\n"
                      "t=0 0\r\n"
                      "m=video 49170 RTP/AVP 96\r\n"
                      "a=rtpmap:96 H264/90000\r\n"
                      "a=content:slides\r\n"
                      "a=label:10\r\n"
                      "a=sendrecv\r\n";
    sdp += application_lines;
    std::string m = "INVITE " + c.request_uri + " SIP/2.0\r\n";
    m += "Via: SIP/2.0/" + from.via_transport + " " + from.sent_by + ";branch=z9hG4bK-";
    m += branch;
    m += "\r\nFrom: <sip:room@127.0.0.1>;tag=" + c.from_tag + "\r\n";
    m += "To: <" + c.request_uri + ">\r\n";
    m += "Call-ID: " + c.call_id + "\r\n";
    m += "CSeq: 1 INVITE\r\n";
    m += "Contact: <" + from.contact + ">\r\n";
    m += "Max-Forwards: 70\r\nContent-Type: application/sdp\r\n";
    m += "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
    return m;
}

std::string in_dialog_request(sip_caller const& from, sip_call const& c, std::string_view method,
                              int cseq, std::string_view branch)
{
    std::string m;
    m.reserve(512);
    m.append(method).append(" ").append(c.remote_uri).append(" SIP/2.0\r\n");
    m += "Via: SIP/2.0/" + from.via_transport + " " + from.sent_by + ";branch=z9hG4bK-";
    m.append(branch).append("\r\n");
    m += "From: <sip:room@127.0.0.1>;tag=" + c.from_tag + "\r\n";
    m += "To: " + c.to + "\r\n";
    m += "Call-ID: " + c.call_id + "\r\n";
    m += "CSeq: " + std::to_string(cseq) + " ";
    m.append(method).append("\r\n");
    m += "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    return m;
}

std::vector<sip_call> invite_all(std::string const& host, std::uint16_t port,
                                 std::string const& user, bool numbered,
                                 std::vector<std::uint16_t> const& media_ports, std::size_t window,
                                 std::chrono::seconds timeout)
{
    uac u(host, port);
    auto const stamp = std::to_string(
        std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now().time_since_epoch())
            .count());
    std::vector<sip_call> calls(media_ports.size());
    std::vector<std::size_t> todo(calls.size());
    std::vector<std::uint16_t> ports = media_ports;
    for (std::size_t i = 0; i < calls.size(); ++i) {
        calls[i].call_id = "load-" + stamp + "-" + std::to_string(i) + "@127.0.0.1";
        calls[i].from_tag = "t" + std::to_string(i);
        calls[i].request_uri = "sip:" + user + (numbered ? std::to_string(i) : std::string()) +
                               "@" + host + ":" + std::to_string(port);
        todo[i] = i;
    }
    auto const invite = [&](sip_call const& c) {
        auto const i = static_cast<std::size_t>(&c - calls.data());
        return invite_request(u.caller(), c, "inv-" + std::to_string(i),
                              "m=application " + std::to_string(ports[i]) +
                                  " UDP/BFCP *\r\n"
                                  "a=floorctrl:c-only\r\n"
                                  "a=bfcpver:2\r\n");
    };
    unsigned long branch = 0;
    auto const ack = [&](sip_call& c) {
        u.send(in_dialog_request(u.caller(), c, "ACK", 1, "ACK-" + std::to_string(++branch)));
    };
    u.transact(
        calls, todo, "INVITE", window, timeout, invite,
        [&](sip_call& c, sip_response const& r) {
            c.to = std::string(r.to);
            c.remote_uri = r.contact.empty() ? c.request_uri : contact_uri(r.contact);
            if (r.status / 100 == 2) {
                ack(c); // every 2xx is ACKed, also one whose answer is unusable
                c.established = read_answer(r.body, c);
            }
            return true;
        },
        [&](sip_call& c, sip_response const& r) {
            if (r.cseq_method == "INVITE" && r.status / 100 == 2 && !c.to.empty())
                ack(c); // a retransmitted 200: our ACK was lost
        });
    return calls;
}

std::size_t bye_all(std::string const& host, std::uint16_t port, std::vector<sip_call>& calls,
                    std::size_t window, std::chrono::seconds timeout)
{
    uac u(host, port);
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < calls.size(); ++i) {
        if (!calls[i].to.empty()) todo.push_back(i);
    }
    unsigned long branch = 0;
    std::size_t answered = 0;
    u.transact(
        calls, todo, "BYE", window, timeout,
        [&](sip_call const& c) {
            return in_dialog_request(u.caller(), c, "BYE", 2, "BYE-" + std::to_string(++branch));
        },
        [&](sip_call& c, sip_response const& r) {
            if (r.status / 100 == 2) ++answered;
            c.established = false;
            return true;
        },
        [](sip_call&, sip_response const&) {});
    return answered;
}

call_loop::call_loop(sip_caller caller, std::string request_uri, std::string tag)
    : caller_(std::move(caller)), tag_(std::move(tag))
{
    call_.request_uri = std::move(request_uri);
    call_.from_tag = "t" + tag_;
}

std::string call_loop::start_call()
{
    ++calls_;
    auto const n = std::to_string(calls_);
    call_.call_id = "call-" + tag_ + "-" + n + "@127.0.0.1";
    call_.to.clear();
    call_.remote_uri.clear();
    state_ = state::inviting;
    answer_ok_ = false;
    return invite_request(caller_, call_, "inv-" + tag_ + "-" + n,
                          "m=application 9 TCP/WSS/BFCP *\r\n"
                          "a=setup:active\r\n"
                          "a=connection:new\r\n"
                          "a=floorctrl:c-only\r\n");
}

call_loop::step call_loop::on_message(std::string_view message)
{
    step out;
    auto const r = parse_response(message);
    if (!r || r->call_id != call_.call_id || r->status < 200) return out; // 1xx, junk, late
    auto const n = std::to_string(calls_);
    if (state_ == state::inviting && r->cseq_method == "INVITE") {
        call_.to = std::string(r->to);
        if (r->status / 100 != 2) { // the transaction's ACK (RFC 3261 §17.1.1.3), then next call
            call_.remote_uri = call_.request_uri;
            out.send.push_back(
                in_dialog_request(caller_, call_, "ACK", 1, "inv-" + tag_ + "-" + n));
            out.call_ended = out.failed = true;
            out.failure = "INVITE answered " + std::to_string(r->status);
            out.send.push_back(start_call());
            return out;
        }
        call_.remote_uri = r->contact.empty() ? call_.request_uri : contact_uri(r->contact);
        answer_ok_ = r->body.find("a=websocket-uri:") != std::string_view::npos &&
                     r->body.find("token=") != std::string_view::npos;
        out.send.push_back(in_dialog_request(caller_, call_, "ACK", 1, "ack-" + tag_ + "-" + n));
        out.send.push_back(in_dialog_request(caller_, call_, "BYE", 2, "bye-" + tag_ + "-" + n));
        state_ = state::ending;
        return out;
    }
    if (state_ == state::ending && r->cseq_method == "BYE") {
        out.call_ended = true;
        if (!answer_ok_ || r->status / 100 != 2) {
            out.failed = true;
            out.failure = answer_ok_ ? "BYE answered " + std::to_string(r->status)
                                     : std::string("200 without a websocket-uri answer");
        }
        out.send.push_back(start_call());
    }
    return out;
}

} // namespace bench
