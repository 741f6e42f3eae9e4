#include "metrics.hpp"

#include <ws/datagram_listener.hpp>

#include <floorctl/to_string.hpp>

#include <cstdio>
#include <string>

namespace floorctl::app {

namespace {

/// Label of a message counter slot: 1..17 are RFC 8855 primitives (named by the codec's
/// to_string, so logs and metrics agree), 0 counts anything else, the last slot vendor/draft.
std::string primitive_label(std::size_t slot)
{
    if (slot == 0) return "Other";
    if (slot > 17) return "Vendor";
    return std::string(to_string(static_cast<primitive>(slot)));
}

// Names of ws::upgrade_failure in declaration order (slot 1 + value).
char const* const handshake_names[] = {"accepted",       "not_websocket",  "bad_version",
                                       "wrong_path",     "no_subprotocol", "origin_forbidden",
                                       "no_token",       "auth_denied",    "header_too_large",
                                       "body_too_large", "limit_exceeded", "timeout",
                                       "malformed",      "other",          "other",
                                       "other"};

void add_line(std::string& out, char const* name, char const* labels, std::uint64_t v)
{
    out += name;
    if (labels && *labels) {
        out += '{';
        out += labels;
        out += '}';
    }
    out += ' ';
    out += std::to_string(v);
    out += '\n';
}

void help(std::string& out, char const* name, char const* type, char const* text)
{
    out += "# HELP ";
    out += name;
    out += ' ';
    out += text;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

} // namespace

void metrics::message(direction dir, std::uint8_t prim) noexcept
{
    std::size_t slot = prim;
    if (prim == 0 || prim > 17) slot = (prim == 18 || (prim >= 90 && prim <= 95)) ? 18 : 0;
    messages_[static_cast<std::size_t>(dir)][slot].fetch_add(1, std::memory_order_relaxed);
}

void metrics::error_sent(std::uint8_t code) noexcept
{
    errors_[code >= 1 && code <= 14 ? code : 0].fetch_add(1, std::memory_order_relaxed);
}

void metrics::handshake(std::size_t slot) noexcept
{
    handshakes_[slot < handshakes_.size() ? slot : handshakes_.size() - 1].fetch_add(
        1, std::memory_order_relaxed);
}

char const* metrics::handshake_name(std::size_t slot) noexcept
{
    return slot < handshake_outcomes ? handshake_names[slot] : "other";
}

void metrics::connection_opened(transport_kind t) noexcept
{
    auto const slot = static_cast<std::size_t>(t);
    if (slot < opened_.size()) opened_[slot].fetch_add(1, std::memory_order_relaxed);
}

void metrics::sip_invite(sip::signalling_transport t, bool answered) noexcept
{
    auto const slot = static_cast<std::size_t>(t);
    if (slot < sip_invites_.size())
        sip_invites_[slot][answered ? 0 : 1].fetch_add(1, std::memory_order_relaxed);
}

void metrics::latency(std::chrono::nanoseconds elapsed) noexcept
{
    auto const secs = std::chrono::duration<double>(elapsed).count();
    std::size_t i = 0;
    while (i < latency_buckets.size() && secs > latency_buckets[i])
        ++i;
    latency_[i].fetch_add(1, std::memory_order_relaxed);
    latency_sum_ns_.fetch_add(static_cast<std::uint64_t>(elapsed.count()),
                              std::memory_order_relaxed);
}

std::string metrics::format(gauge_values const& g) const
{
    std::string out;
    out.reserve(4096);
    auto const gauge = [&](char const* name, char const* text, std::uint64_t v) {
        help(out, name, "gauge", text);
        add_line(out, name, nullptr, v);
    };
    help(out, "floorctl_connections", "gauge",
         "Open connections by transport (WebSocket sessions, bound TCP/TLS BFCP connections).");
    for (std::size_t t = 0; t < transport_labels.size(); ++t) {
        std::string const labels = std::string("transport=\"") + transport_labels[t] + "\"";
        add_line(out, "floorctl_connections", labels.c_str(), g.connections[t]);
    }
    gauge("floorctl_tcp_connections",
          "Admitted TCP connections in any state, every listener (the max_connections count).",
          g.tcp_connections);
    gauge("floorctl_conferences", "Conferences.", g.conferences);
    gauge("floorctl_participants", "Participants in all conferences.", g.participants);
    gauge("floorctl_bound_connections", "Connections bound to a participant.", g.bound_connections);
    gauge("floorctl_active_requests", "Floor requests not yet ended.", g.active_requests);
    gauge("floorctl_queue_length", "Queued floor requests summed over all floors.",
          g.queued_requests);
    gauge("floorctl_floor_holders", "Granted floor requests summed over all floors.",
          g.floor_holders);
    help(out, "floorctl_tokens", "gauge",
         "Participant tokens remembered, by state (ended: kept one token_lifetime).");
    add_line(out, "floorctl_tokens", "state=\"unused\"", g.tokens_unused);
    add_line(out, "floorctl_tokens", "state=\"used\"", g.tokens_used);
    add_line(out, "floorctl_tokens", "state=\"ended\"", g.tokens_ended);

    help(out, "floorctl_handshakes_total", "counter", "WebSocket handshakes by outcome.");
    for (std::size_t i = 0; i < 13; ++i) {
        std::string const labels = std::string("outcome=\"") + handshake_names[i] + "\"";
        add_line(out, "floorctl_handshakes_total", labels.c_str(),
                 handshakes_[i].load(std::memory_order_relaxed));
    }

    help(out, "floorctl_connections_opened_total", "counter", "Connections opened by transport.");
    for (std::size_t t = 0; t < transport_labels.size(); ++t) {
        std::string const labels = std::string("transport=\"") + transport_labels[t] + "\"";
        add_line(out, "floorctl_connections_opened_total", labels.c_str(),
                 opened_[t].load(std::memory_order_relaxed));
    }

    help(out, "floorctl_sip_invites_total", "counter",
         "Initial SIP INVITEs answered by the call controller, by signalling transport and "
         "outcome (answered: 200; refused: 3xx-6xx).");
    for (std::size_t t = 0; t < sip_transports; ++t) {
        for (std::size_t o = 0; o < 2; ++o) {
            std::string const labels = std::string("transport=\"") +
                                       sip::to_string(static_cast<sip::signalling_transport>(t)) +
                                       "\",outcome=\"" + (o == 0 ? "answered" : "refused") + "\"";
            add_line(out, "floorctl_sip_invites_total", labels.c_str(),
                     sip_invites_[t][o].load(std::memory_order_relaxed));
        }
    }

    help(out, "floorctl_messages_total", "counter", "BFCP messages by primitive and direction.");
    for (std::size_t d = 0; d < 2; ++d) {
        for (std::size_t p = 0; p < prim_slots; ++p) {
            auto const v = messages_[d][p].load(std::memory_order_relaxed);
            std::string const labels = "primitive=\"" + primitive_label(p) + "\",direction=\"" +
                                       (d == 0 ? "in" : "out") + "\"";
            add_line(out, "floorctl_messages_total", labels.c_str(), v);
        }
    }

    help(out, "floorctl_errors_total", "counter", "BFCP Error messages sent, by Error Code.");
    for (std::size_t c = 1; c <= 14; ++c) {
        std::string const labels = "code=\"" + std::to_string(c) + "\"";
        add_line(out, "floorctl_errors_total", labels.c_str(),
                 errors_[c].load(std::memory_order_relaxed));
    }

    help(out, "floorctl_grants_total", "counter", "Floor requests granted.");
    add_line(out, "floorctl_grants_total", nullptr, g.grants);

    // RFC 8855 unreliable transports (docs/unreliable-transport.md, "Metrics").
    auto const& u = g.unreliable;
    auto const counter = [&](char const* name, char const* text, std::uint64_t v) {
        help(out, name, "counter", text);
        add_line(out, name, nullptr, v);
    };
    counter("floorctl_bfcp_retransmissions_total",
            "UDP/DTLS: retransmissions of server transactions.", u.retransmitted);
    counter("floorctl_bfcp_transactions_given_up_total",
            "UDP/DTLS: server transactions never acknowledged (the peer is treated as gone).",
            u.given_up);
    counter("floorctl_bfcp_reassembled_total", "UDP/DTLS: fragmented messages reassembled.",
            u.reassembled);
    counter("floorctl_bfcp_duplicate_requests_total",
            "UDP/DTLS: retransmitted requests answered from the reply cache.",
            u.duplicate_requests);
    help(out, "floorctl_bfcp_fragments_total", "counter", "UDP/DTLS: fragments by direction.");
    add_line(out, "floorctl_bfcp_fragments_total", "direction=\"in\"", u.fragments_received);
    add_line(out, "floorctl_bfcp_fragments_total", "direction=\"out\"", u.fragments_sent);
    help(out, "floorctl_bfcp_datagrams_dropped_total", "counter",
         "UDP/DTLS: datagrams dropped, by reason (listener and unreliable layer).");
    for (std::size_t r = 0; r < g.datagrams_dropped.size(); ++r) {
        auto const why = static_cast<ws::datagram_drop>(r);
        auto v = g.datagrams_dropped[r];
        if (why == ws::datagram_drop::malformed) v += u.malformed;
        std::string const labels = std::string("reason=\"") + ws::to_string(why) + "\"";
        add_line(out, "floorctl_bfcp_datagrams_dropped_total", labels.c_str(), v);
    }
    add_line(out, "floorctl_bfcp_datagrams_dropped_total", "reason=\"fragment\"",
             u.fragments_dropped);
    add_line(out, "floorctl_bfcp_datagrams_dropped_total", "reason=\"unmatched_ack\"",
             u.unmatched_acks);
    add_line(out, "floorctl_bfcp_datagrams_dropped_total", "reason=\"vendor_primitive\"",
             u.vendor_primitives);

    // TURN over WebSocket (docs/turn.md, "Metrics").
    auto const& t = g.turn;
    gauge("floorctl_turn_connections", "TURN over WebSocket: open connections.", t.connections);
    counter("floorctl_turn_connections_total",
            "TURN over WebSocket: connections carried to the TURN server.", t.connections_opened);
    help(out, "floorctl_turn_closed_total", "counter",
         "TURN over WebSocket: connections refused or closed by floorctl, by reason.");
    add_line(out, "floorctl_turn_closed_total", "reason=\"limit\"", t.refused);
    add_line(out, "floorctl_turn_closed_total", "reason=\"unreachable\"", t.unreachable);
    add_line(out, "floorctl_turn_closed_total", "reason=\"malformed\"", t.malformed);
    help(out, "floorctl_turn_messages_total", "counter",
         "TURN over WebSocket: STUN and ChannelData messages by direction (in: from clients).");
    add_line(out, "floorctl_turn_messages_total", "direction=\"in\"", t.messages_in);
    add_line(out, "floorctl_turn_messages_total", "direction=\"out\"", t.messages_out);
    help(out, "floorctl_turn_bytes_total", "counter",
         "TURN over WebSocket: message octets by direction, without the stream's padding.");
    add_line(out, "floorctl_turn_bytes_total", "direction=\"in\"", t.bytes_in);
    add_line(out, "floorctl_turn_bytes_total", "direction=\"out\"", t.bytes_out);

    help(out, "floorctl_http_requests_total", "counter", "HTTP requests answered.");
    add_line(out, "floorctl_http_requests_total", nullptr, http_.load(std::memory_order_relaxed));

    help(out, "floorctl_request_latency_seconds", "histogram",
         "Time from a BFCP request's arrival to its response being queued.");
    std::uint64_t cumulative = 0;
    char le[32];
    for (std::size_t i = 0; i < latency_buckets.size(); ++i) {
        cumulative += latency_[i].load(std::memory_order_relaxed);
        std::snprintf(le, sizeof le, "le=\"%g\"", latency_buckets[i]);
        add_line(out, "floorctl_request_latency_seconds_bucket", le, cumulative);
    }
    cumulative += latency_.back().load(std::memory_order_relaxed);
    add_line(out, "floorctl_request_latency_seconds_bucket", "le=\"+Inf\"", cumulative);
    char sum[48];
    std::snprintf(sum, sizeof sum, "%.9f",
                  static_cast<double>(latency_sum_ns_.load(std::memory_order_relaxed)) / 1e9);
    out += "floorctl_request_latency_seconds_sum ";
    out += sum;
    out += '\n';
    add_line(out, "floorctl_request_latency_seconds_count", nullptr, cumulative);
    return out;
}

} // namespace floorctl::app
