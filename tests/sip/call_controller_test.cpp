// floorctl::app::call_controller with a fake participant directory and a recording SIP command
// sink: every branch of the decision table in docs/sip.md, no sockets, no threads.

#include "call_controller.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using floorctl::conference_id;
using floorctl::transport_kind;
using floorctl::user_id;

struct fake_directory final : floorctl::app::participant_directory {
    std::optional<floorctl::app::conference_info> lookup(std::string_view name) override
    {
        looked_up.emplace_back(name);
        if (name != "demo" && name != "room") return std::nullopt;
        floorctl::app::conference_info info;
        info.id = conference_id{name == "demo" ? 7u : 8u};
        info.floors.push_back({floorctl::floor_id{1}, "", "slides"});
        return info;
    }

    boost::system::result<floorctl::app::participant_grant, floorctl::app::refusal>
    create(floorctl::app::participant_request const& r) override
    {
        created.push_back(r);
        if (refuse) return *refuse;
        return floorctl::app::participant_grant{
            user_id{static_cast<std::uint16_t>(100 + created.size())},
            "tok" + std::to_string(created.size()) + "AAAAAAAAAAAAAAAAAAAAAA"};
    }

    boost::system::result<std::string, floorctl::app::refusal>
    renew_token(conference_id, user_id user, transport_kind t) override
    {
        renewed.push_back({user, t});
        return std::string("renewedBBBBBBBBBBBBBBBBBBBBBB");
    }

    void expect_peer(conference_id, user_id u, std::string const& address,
                     std::vector<std::string> const& fingerprints) override
    {
        peers.push_back({u, address, fingerprints});
    }

    void revoke(conference_id c, user_id u) override { revoked.push_back({c, u}); }

    struct expected_peer {
        user_id user;
        std::string address;
        std::vector<std::string> fingerprints;
    };

    std::vector<std::string> looked_up;
    std::vector<floorctl::app::participant_request> created;
    std::vector<std::pair<user_id, transport_kind>> renewed;
    std::vector<std::pair<conference_id, user_id>> revoked;
    std::vector<expected_peer> peers;
    std::optional<floorctl::app::refusal> refuse;
};

struct response {
    sip::call_id call{};
    int status = 0;
    std::optional<std::string> sdp;
    int warning_code = 0;
    std::string warning_text;
};

struct recording_sip final : floorctl::app::sip_commands {
    void respond(sip::call_id call, int status, std::optional<std::string> sdp, int code,
                 std::string text) override
    {
        responses.push_back({call, status, std::move(sdp), code, std::move(text)});
    }
    void bye(sip::call_id call) override { byes.push_back(call); }

    std::vector<response> responses;
    std::vector<sip::call_id> byes;
};

std::string const session_head = "v=0\r\no=room 1 1 IN IP4 192.0.2.5\r\ns=-\r\n"
                                 "c=IN IP4 192.0.2.5\r\nt=0 0\r\n";
std::string const slides = "m=video 49170 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                           "a=content:slides\r\na=label:10\r\n";

std::string wss_offer(char const* connection = "new")
{
    return session_head + slides + "m=application 9 TCP/WSS/BFCP *\r\na=setup:active\r\n" +
           "a=connection:" + connection + "\r\na=floorctrl:c-only\r\n";
}

class CallControllerTest : public ::testing::Test {
protected:
    CallControllerTest()
    {
        cfg_.sdp.address = "192.0.2.1";
        cfg_.sdp.wss = {"floorctl.test", 443, "/bfcp"};
        cfg_.sdp.tcp = {"192.0.2.1", 5070};
        cfg_.sdp.transports = {sdp::transport::wss, sdp::transport::tcp};
        make();
    }

    void make() { controller_.emplace(cfg_, dir_, sip_); }

    sip::invite invite(std::uint64_t id, std::string body, std::string user = "demo")
    {
        sip::invite inv;
        inv.call = sip::call_id{id};
        inv.request_user = std::move(user);
        inv.request_uri = "sip:" + inv.request_user + "@127.0.0.1:5060";
        inv.from_uri = "sip:alice@example.com";
        inv.from_display = "Alice";
        inv.content_type = body.empty() ? "" : "application/sdp";
        inv.body = std::move(body);
        inv.peer_address = "198.51.100.9";
        return inv;
    }

    response const& last() const { return sip_.responses.back(); }

    floorctl::app::call_controller_config cfg_;
    fake_directory dir_;
    recording_sip sip_;
    std::optional<floorctl::app::call_controller> controller_;
};

bool has(std::string const& text, std::string const& needle)
{
    return text.find(needle) != std::string::npos;
}

TEST_F(CallControllerTest, OfferIsAnsweredWithTheDirectoryIdsAndToken)
{
    controller_->on_event(invite(1, wss_offer()));

    ASSERT_EQ(sip_.responses.size(), 1u);
    EXPECT_EQ(last().status, 200);
    ASSERT_TRUE(last().sdp);
    auto const& a = *last().sdp;
    EXPECT_TRUE(has(a, "m=application 443 TCP/WSS/BFCP *\r\n")) << a;
    EXPECT_TRUE(has(a, "a=setup:passive\r\n")) << a;
    EXPECT_TRUE(has(a, "a=floorctrl:s-only\r\n")) << a;
    EXPECT_TRUE(has(a, "a=confid:7\r\n")) << a;
    EXPECT_TRUE(has(a, "a=userid:101\r\n")) << a;
    EXPECT_TRUE(has(a, "a=floorid:1 mstrm:10\r\n")) << a; // linked to a=content:slides
    EXPECT_TRUE(has(a, "a=websocket-uri:wss://floorctl.test/bfcp?token=tok1AAAA")) << a;

    ASSERT_EQ(dir_.created.size(), 1u);
    auto const& r = dir_.created[0];
    EXPECT_EQ(r.conference, conference_id{7});
    EXPECT_EQ(r.conference_name, "demo");
    EXPECT_EQ(r.user_uri, "sip:alice@example.com");
    EXPECT_EQ(r.display_name, "Alice");
    EXPECT_EQ(r.transport, sdp::transport::wss);
    EXPECT_EQ(r.signalling_address, "198.51.100.9");
    EXPECT_EQ(controller_->active_calls(), 1u);
    auto const p = controller_->participant_of(sip::call_id{1});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->second, user_id{101});
}

TEST_F(CallControllerTest, TcpBfcpOfferRecordsTheAddressTheClientWillConnectFrom)
{
    controller_->on_event(
        invite(1, session_head + "m=application 50000 TCP/BFCP *\r\nc=IN IP4 203.0.113.7\r\n"
                                 "a=setup:active\r\na=connection:new\r\na=floorctrl:c-s\r\n"));
    ASSERT_EQ(last().status, 200);
    EXPECT_TRUE(has(*last().sdp, "m=application 5070 TCP/BFCP *")) << *last().sdp;
    ASSERT_EQ(dir_.created.size(), 1u);
    EXPECT_EQ(dir_.created[0].transport, sdp::transport::tcp);
    EXPECT_EQ(dir_.created[0].media_address, "203.0.113.7");
}

TEST_F(CallControllerTest, BodyThatIsNotSdpGets415)
{
    auto inv = invite(1, "hello");
    inv.content_type = "text/plain";
    controller_->on_event(inv);
    EXPECT_EQ(last().status, 415);
    EXPECT_TRUE(dir_.created.empty());
    EXPECT_EQ(controller_->active_calls(), 0u);
}

TEST_F(CallControllerTest, ContentTypeIsComparedCaseInsensitively)
{
    auto inv = invite(1, wss_offer());
    inv.content_type = "Application/SDP";
    controller_->on_event(inv);
    EXPECT_EQ(last().status, 200);
}

TEST_F(CallControllerTest, UnknownConferenceGets404)
{
    controller_->on_event(invite(1, wss_offer(), "nosuch"));
    EXPECT_EQ(last().status, 404);
    EXPECT_EQ(dir_.looked_up, std::vector<std::string>{"nosuch"});
    EXPECT_TRUE(dir_.created.empty());
}

TEST_F(CallControllerTest, WithoutIdentityMappingOnlyAliasesResolve)
{
    cfg_.identity_mapping = false;
    cfg_.conference_aliases["sales"] = "room";
    make();
    controller_->on_event(invite(1, wss_offer(), "demo"));
    EXPECT_EQ(last().status, 404);
    EXPECT_TRUE(dir_.looked_up.empty());
    controller_->on_event(invite(2, wss_offer(), "sales"));
    EXPECT_EQ(last().status, 200);
    EXPECT_TRUE(has(*last().sdp, "a=confid:8\r\n"));
}

TEST_F(CallControllerTest, CallsBeyondTheLimitGet503)
{
    cfg_.max_calls = 1;
    make();
    controller_->on_event(invite(1, wss_offer()));
    controller_->on_event(invite(2, wss_offer()));
    EXPECT_EQ(last().status, 503);
    EXPECT_EQ(dir_.created.size(), 1u);
    controller_->on_event(sip::terminated{sip::call_id{1}, sip::end_reason::remote_bye, 200});
    controller_->on_event(invite(3, wss_offer()));
    EXPECT_EQ(last().status, 200);
}

TEST_F(CallControllerTest, MalformedSdpGets488WithAWarningNamingTheLine)
{
    controller_->on_event(invite(1, session_head + "m=application 9 TCP/WSS/BFCP :\r\n"));
    EXPECT_EQ(last().status, 488);
    EXPECT_EQ(last().warning_code, 399);
    EXPECT_TRUE(has(last().warning_text, "malformed SDP: line 6")) << last().warning_text;
    EXPECT_TRUE(dir_.created.empty());
}

TEST_F(CallControllerTest, OfferWithoutBfcpGets488With304)
{
    controller_->on_event(invite(1, session_head + "m=audio 49170 RTP/AVP 0\r\n"));
    EXPECT_EQ(last().status, 488);
    EXPECT_EQ(last().warning_code, 304);
    EXPECT_TRUE(dir_.created.empty());
}

TEST_F(CallControllerTest, UdpOfferWithoutUdpListenerGets488With302)
{
    controller_->on_event(invite(1, session_head + "m=application 2439 UDP/BFCP *\r\n"
                                                   "a=setup:actpass\r\na=floorctrl:c-s\r\n"));
    EXPECT_EQ(last().status, 488);
    EXPECT_EQ(last().warning_code, 302);
}

// Cisco's UDP/BFCP offer when a UDP listener exists: answered with its port; the participant
// is expected from the offer's c= address (any port: NAT), and a re-INVITE that says
// connection:new (as Cisco writes on UDP) keeps the binding instead of renewing a token.
TEST_F(CallControllerTest, UdpOfferIsAnsweredAndRecordsThePeerAddress)
{
    cfg_.sdp.udp = {{"192.0.2.1", 5072}};
    cfg_.sdp.transports = {sdp::transport::wss, sdp::transport::tcp, sdp::transport::udp};
    make();
    auto const offer = session_head + "m=application 2439 UDP/BFCP *\r\nc=IN IP4 203.0.113.9\r\n"
                                      "a=setup:actpass\r\na=connection:new\r\n"
                                      "a=floorctrl:c-s\r\na=bfcpver:2 1\r\n";
    controller_->on_event(invite(1, offer));
    ASSERT_EQ(last().status, 200);
    EXPECT_TRUE(has(*last().sdp, "m=application 5072 UDP/BFCP *\r\na=floorctrl:s-only\r\n"))
        << *last().sdp;
    EXPECT_FALSE(has(*last().sdp, "a=setup")) << *last().sdp;
    ASSERT_EQ(dir_.created.size(), 1u);
    EXPECT_EQ(dir_.created[0].transport, sdp::transport::udp);
    EXPECT_EQ(dir_.created[0].media_address, "203.0.113.9");
    EXPECT_EQ(dir_.created[0].signalling_address, "198.51.100.9");
    EXPECT_TRUE(dir_.created[0].peer_fingerprints.empty());

    auto re = invite(1, offer);
    re.is_reinvite = true;
    controller_->on_event(re);
    ASSERT_EQ(last().status, 200);
    EXPECT_TRUE(has(*last().sdp, "m=application 5072 UDP/BFCP *")) << *last().sdp;
    EXPECT_TRUE(dir_.renewed.empty());
}

// An IPv6 offer is answered with the IPv6 listener (c=IN IP6); with only an IPv4 listener it is
// declined (488 when it was the only BFCP line) and the reason goes to on_declined (the log).
TEST_F(CallControllerTest, UdpOfferIsAnsweredWithAListenerOfItsAddressFamily)
{
    std::vector<std::string> declined;
    cfg_.on_declined = [&](sip::call_id, std::string_view reason) {
        declined.emplace_back(reason);
    };
    cfg_.sdp.udp = {{"192.0.2.1", 5072}};
    cfg_.sdp.transports = {sdp::transport::udp, sdp::transport::tcp};
    make();
    auto const udp_line = "m=application 2439 UDP/BFCP *\r\nc=IN IP6 2001:db8::9\r\n"
                          "a=floorctrl:c-s\r\n";
    controller_->on_event(invite(1, session_head + udp_line));
    EXPECT_EQ(last().status, 488);
    EXPECT_EQ(last().warning_code, 302);
    ASSERT_EQ(declined.size(), 1u);
    EXPECT_TRUE(has(declined[0], "no listener for an IPv6 peer")) << declined[0];

    // Next to a usable TCP line: answered with TCP, the UDP line gets port 0 and a log line.
    controller_->on_event(invite(2, session_head + udp_line +
                                        "m=application 9 TCP/BFCP *\r\na=setup:active\r\n"
                                        "a=connection:new\r\na=floorctrl:c-only\r\n"));
    ASSERT_EQ(last().status, 200);
    EXPECT_TRUE(has(*last().sdp, "m=application 0 UDP/BFCP *\r\nm=application 5070 TCP/BFCP"))
        << *last().sdp;
    ASSERT_EQ(declined.size(), 2u);
    EXPECT_TRUE(has(declined[1], "m-line 1 (UDP/BFCP): no listener for an IPv6 peer"));

    cfg_.sdp.udp = {{"192.0.2.1", 5072}, {"2001:db8::1", 5074}};
    make();
    controller_->on_event(invite(3, session_head + udp_line));
    ASSERT_EQ(last().status, 200);
    EXPECT_TRUE(has(*last().sdp, "m=application 5074 UDP/BFCP *\r\nc=IN IP6 2001:db8::1\r\n"))
        << *last().sdp;
    EXPECT_EQ(dir_.created.back().media_address, "2001:db8::9");
    EXPECT_EQ(declined.size(), 2u);
}

// UDP/TLS/BFCP: the offer's fingerprint reaches the directory for the DTLS handshake, and the
// answer names our certificate.
TEST_F(CallControllerTest, UdpTlsOfferHandsThePeerFingerprintOn)
{
    cfg_.sdp.dtls = {{"192.0.2.1", 5073}};
    cfg_.sdp.tls_fingerprint = "SHA-256 AA:BB";
    cfg_.sdp.transports = {sdp::transport::wss, sdp::transport::udp_tls};
    make();
    controller_->on_event(invite(1, session_head + "m=application 2440 UDP/TLS/BFCP *\r\n"
                                                   "a=setup:actpass\r\n"
                                                   "a=fingerprint:SHA-256 01:02:03\r\n"
                                                   "a=floorctrl:c-only\r\n"));
    ASSERT_EQ(last().status, 200);
    EXPECT_TRUE(has(*last().sdp, "m=application 5073 UDP/TLS/BFCP *\r\na=setup:passive\r\n"
                                 "a=fingerprint:SHA-256 AA:BB\r\n"))
        << *last().sdp;
    ASSERT_EQ(dir_.created.size(), 1u);
    EXPECT_EQ(dir_.created[0].transport, sdp::transport::udp_tls);
    EXPECT_EQ(dir_.created[0].media_address, "192.0.2.5");
    EXPECT_EQ(dir_.created[0].peer_fingerprints, std::vector<std::string>{"SHA-256 01:02:03"});
}

// RFC 8842 §5.3, §5.5: our a=tls-id is drawn per DTLS association and stays the same across
// re-answers of the dialog while the peer's tls-id stays; a new peer tls-id is a new association
// (new token, the old connection revoked) with a new tls-id of ours and the re-offer's peer.
TEST_F(CallControllerTest, UdpTlsTlsIdIsStableUntilThePeerAsksForANewAssociation)
{
    cfg_.sdp.dtls = {{"192.0.2.1", 5073}};
    cfg_.sdp.tls_fingerprint = "SHA-256 AA:BB";
    cfg_.sdp.transports = {sdp::transport::udp_tls};
    make();
    auto const offer = [](char const* tls_id, char const* fingerprint) {
        return session_head + "m=application 2440 UDP/TLS/BFCP *\r\na=setup:actpass\r\n" +
               "a=fingerprint:SHA-256 " + fingerprint + "\r\na=tls-id:" + tls_id +
               "\r\na=floorctrl:c-only\r\n";
    };
    auto const our_tls_id = [&] {
        auto const& sdp = *last().sdp;
        auto const at = sdp.find("a=tls-id:");
        EXPECT_NE(at, std::string::npos) << sdp;
        auto const end = sdp.find("\r\n", at);
        return sdp.substr(at + 9, end - at - 9);
    };
    controller_->on_event(invite(1, offer("peer-association-one-01", "01:02")));
    ASSERT_EQ(last().status, 200);
    auto const first = our_tls_id();
    EXPECT_TRUE(sdp::is_tls_id(first)) << first;
    EXPECT_EQ(first.size(), 24u); // 144 random bits

    auto re = invite(1, offer("peer-association-one-01", "01:02"));
    re.is_reinvite = true;
    controller_->on_event(re);
    ASSERT_EQ(last().status, 200);
    EXPECT_EQ(our_tls_id(), first);
    EXPECT_TRUE(dir_.renewed.empty());
    EXPECT_TRUE(dir_.peers.empty());

    auto renew = invite(1, offer("peer-association-two-02", "03:04"));
    renew.is_reinvite = true;
    controller_->on_event(renew);
    ASSERT_EQ(last().status, 200);
    auto const second = our_tls_id();
    EXPECT_NE(second, first);
    EXPECT_EQ(dir_.renewed.size(), 1u);
    ASSERT_EQ(dir_.peers.size(), 1u);
    EXPECT_EQ(dir_.peers[0].address, "192.0.2.5");
    EXPECT_EQ(dir_.peers[0].fingerprints, std::vector<std::string>{"SHA-256 03:04"});

    controller_->on_event(renew); // the new association is now the one kept
    EXPECT_EQ(our_tls_id(), second);
    EXPECT_EQ(dir_.renewed.size(), 1u);
}

TEST_F(CallControllerTest, ServerOnlyOffererGets488With305)
{
    controller_->on_event(invite(1, session_head + "m=application 9 TCP/WSS/BFCP *\r\n"
                                                   "a=setup:active\r\na=floorctrl:s-only\r\n"));
    EXPECT_EQ(last().status, 488);
    EXPECT_EQ(last().warning_code, 305);
}

TEST_F(CallControllerTest, DirectoryRefusalsMapToSipStatuses)
{
    for (auto [why, status] : {std::pair{floorctl::app::refusal::full, 486},
                               std::pair{floorctl::app::refusal::unavailable, 503},
                               std::pair{floorctl::app::refusal::unknown_conference, 404},
                               std::pair{floorctl::app::refusal::internal, 500}}) {
        dir_.refuse = why;
        controller_->on_event(invite(1, wss_offer()));
        EXPECT_EQ(last().status, status);
    }
    EXPECT_EQ(controller_->active_calls(), 0u);
    EXPECT_TRUE(dir_.revoked.empty());
}

TEST_F(CallControllerTest, BadLocalConfigurationIs500NotTheCallersFault)
{
    cfg_.sdp.wss.host = "192.0.2.1"; // a wss URI must name a host, never a bare IP
    cfg_.sdp.transports = {sdp::transport::wss};
    make();
    controller_->on_event(invite(1, wss_offer()));
    EXPECT_EQ(last().status, 500);
}

TEST_F(CallControllerTest, OfferlessInviteGetsAnOfferAndAGoodAnswerKeepsTheCall)
{
    controller_->on_event(invite(1, ""));
    ASSERT_EQ(last().status, 200);
    ASSERT_TRUE(last().sdp);
    EXPECT_TRUE(has(*last().sdp, "a=setup:passive")) << *last().sdp;
    EXPECT_TRUE(has(*last().sdp, "a=websocket-uri:wss://floorctl.test/bfcp?token=tok1"));
    ASSERT_EQ(dir_.created.size(), 1u);
    EXPECT_EQ(dir_.created[0].transport, sdp::transport::wss);

    sip::ack ack{sip::call_id{1}, "application/sdp",
                 session_head + "m=application 9 TCP/WSS/BFCP *\r\na=setup:active\r\n"
                                "a=connection:new\r\na=floorctrl:c-only\r\n"};
    controller_->on_event(ack);
    EXPECT_TRUE(sip_.byes.empty());
    EXPECT_EQ(controller_->stats().missing_answer, 0u);
}

// Offerless INVITE on UDP/TLS/BFCP: the participant's peer is what the ACK's answer says (its
// c=, and its fingerprint for the DTLS handshake), not the INVITE's source address.
TEST_F(CallControllerTest, OfferlessDatagramCallIsBoundToTheAnswerInTheAck)
{
    cfg_.sdp.dtls = {{"192.0.2.1", 5073}};
    cfg_.sdp.tls_fingerprint = "SHA-256 AA:BB";
    cfg_.sdp.transports = {sdp::transport::udp_tls};
    make();
    controller_->on_event(invite(1, ""));
    ASSERT_EQ(last().status, 200);
    EXPECT_TRUE(has(*last().sdp, "m=application 5073 UDP/TLS/BFCP *\r\n")) << *last().sdp;
    ASSERT_EQ(dir_.created.size(), 1u);
    EXPECT_EQ(dir_.created[0].signalling_address, "198.51.100.9");
    EXPECT_TRUE(dir_.peers.empty()); // nothing known of the peer before the ACK

    controller_->on_event(sip::ack{sip::call_id{1}, "application/sdp",
                                   "v=0\r\no=room 1 1 IN IP4 192.0.2.5\r\ns=-\r\n"
                                   "c=IN IP4 192.0.2.5\r\nt=0 0\r\n"
                                   "m=application 40000 UDP/TLS/BFCP *\r\n"
                                   "c=IN IP4 203.0.113.50\r\n" // the media address wins
                                   "a=setup:active\r\na=fingerprint:SHA-256 01:02:03\r\n"
                                   "a=floorctrl:c-only\r\na=bfcpver:2\r\n"});
    EXPECT_TRUE(sip_.byes.empty());
    ASSERT_EQ(dir_.peers.size(), 1u);
    EXPECT_EQ(dir_.peers[0].user, user_id{101});
    EXPECT_EQ(dir_.peers[0].address, "203.0.113.50");
    EXPECT_EQ(dir_.peers[0].fingerprints, std::vector<std::string>{"SHA-256 01:02:03"});
}

// A WebSocket call is bound by its token: the ACK's answer announces no peer address.
TEST_F(CallControllerTest, OfferlessWebSocketCallAnnouncesNoPeer)
{
    controller_->on_event(invite(1, ""));
    controller_->on_event(sip::ack{sip::call_id{1}, "application/sdp",
                                   session_head + "m=application 9 TCP/WSS/BFCP *\r\n"
                                                  "a=setup:active\r\na=connection:new\r\n"
                                                  "a=floorctrl:c-only\r\n"});
    EXPECT_TRUE(sip_.byes.empty());
    EXPECT_TRUE(dir_.peers.empty());
}

TEST_F(CallControllerTest, OfferlessCallWithoutAnswerInTheAckIsEndedWithBye)
{
    controller_->on_event(invite(1, ""));
    controller_->on_event(sip::ack{sip::call_id{1}, "", ""});
    ASSERT_EQ(sip_.byes.size(), 1u);
    EXPECT_EQ(sip_.byes[0], sip::call_id{1});
    controller_->on_event(sip::terminated{sip::call_id{1}, sip::end_reason::local_bye, 200});
    ASSERT_EQ(dir_.revoked.size(), 1u);
    EXPECT_EQ(dir_.revoked[0].second, user_id{101});
}

TEST_F(CallControllerTest, OfferlessCallWithAnUnusableAnswerIsEndedWithBye)
{
    controller_->on_event(invite(1, ""));
    // The answer rejects the BFCP stream (port 0).
    controller_->on_event(sip::ack{sip::call_id{1}, "application/sdp",
                                   session_head + "m=application 0 TCP/WSS/BFCP *\r\n"});
    EXPECT_EQ(sip_.byes.size(), 1u);
    controller_->on_event(sip::ack{sip::call_id{2}, "application/sdp", "garbage"});
    EXPECT_EQ(sip_.byes.size(), 1u); // an ACK for an unknown call changes nothing
}

TEST_F(CallControllerTest, AckOfAnOrdinaryAnswerIsNotChecked)
{
    controller_->on_event(invite(1, wss_offer()));
    controller_->on_event(sip::ack{sip::call_id{1}, "", ""});
    EXPECT_TRUE(sip_.byes.empty());
}

TEST_F(CallControllerTest, ReinviteWithConnectionExistingKeepsTheToken)
{
    controller_->on_event(invite(1, wss_offer()));
    auto re = invite(1, wss_offer("existing"));
    re.is_reinvite = true;
    controller_->on_event(re);
    ASSERT_EQ(last().status, 200);
    EXPECT_TRUE(has(*last().sdp, "a=connection:existing")) << *last().sdp;
    EXPECT_TRUE(has(*last().sdp, "token=tok1AAAA")) << *last().sdp;
    EXPECT_TRUE(dir_.renewed.empty());
    EXPECT_EQ(dir_.created.size(), 1u);
}

TEST_F(CallControllerTest, ReinviteWithConnectionNewIssuesANewToken)
{
    controller_->on_event(invite(1, wss_offer()));
    auto re = invite(1, wss_offer("new"));
    re.is_reinvite = true;
    controller_->on_event(re);
    ASSERT_EQ(last().status, 200);
    EXPECT_TRUE(has(*last().sdp, "token=renewedBBBB")) << *last().sdp;
    ASSERT_EQ(dir_.renewed.size(), 1u);
    EXPECT_EQ(dir_.renewed[0].first, user_id{101});
    EXPECT_EQ(dir_.created.size(), 1u);
    // The new token is the one kept from now on.
    auto again = invite(1, wss_offer("existing"));
    again.is_reinvite = true;
    controller_->on_event(again);
    EXPECT_TRUE(has(*last().sdp, "token=renewedBBBB")) << *last().sdp;
}

TEST_F(CallControllerTest, RefusedReinviteLeavesTheCallUp)
{
    controller_->on_event(invite(1, wss_offer()));
    auto re = invite(1, session_head + "m=application 9 TCP/WSS/BFCP :\r\n");
    re.is_reinvite = true;
    controller_->on_event(re);
    EXPECT_EQ(last().status, 488);
    EXPECT_TRUE(dir_.revoked.empty());
    EXPECT_EQ(controller_->active_calls(), 1u);

    auto text = invite(1, "x");
    text.is_reinvite = true;
    text.content_type = "text/plain";
    controller_->on_event(text);
    EXPECT_EQ(last().status, 415);
    EXPECT_EQ(controller_->active_calls(), 1u);
}

TEST_F(CallControllerTest, OfferlessReinviteOffersTheCurrentConnection)
{
    controller_->on_event(invite(1, wss_offer()));
    auto re = invite(1, "");
    re.is_reinvite = true;
    controller_->on_event(re);
    ASSERT_EQ(last().status, 200);
    EXPECT_TRUE(has(*last().sdp, "TCP/WSS/BFCP")) << *last().sdp;
    EXPECT_TRUE(has(*last().sdp, "token=tok1AAAA")) << *last().sdp;
    controller_->on_event(sip::ack{sip::call_id{1}, "", ""});
    EXPECT_EQ(sip_.byes.size(), 1u);
}

TEST_F(CallControllerTest, ReinviteForAnUnknownCallGets481)
{
    auto re = invite(9, wss_offer());
    re.is_reinvite = true;
    controller_->on_event(re);
    EXPECT_EQ(last().status, 481);
}

TEST_F(CallControllerTest, ByeRevokesTheParticipantOnce)
{
    controller_->on_event(invite(1, wss_offer()));
    controller_->on_event(sip::terminated{sip::call_id{1}, sip::end_reason::remote_bye, 200});
    controller_->on_event(sip::terminated{sip::call_id{1}, sip::end_reason::remote_bye, 200});
    ASSERT_EQ(dir_.revoked.size(), 1u);
    EXPECT_EQ(dir_.revoked[0], (std::pair{conference_id{7}, user_id{101}}));
    EXPECT_EQ(controller_->active_calls(), 0u);
}

TEST_F(CallControllerTest, CancelRevokesAndTheFollowingTerminatedIsHarmless)
{
    controller_->on_event(invite(1, wss_offer()));
    controller_->on_event(sip::cancelled{sip::call_id{1}});
    controller_->on_event(sip::terminated{sip::call_id{1}, sip::end_reason::cancelled, 487});
    EXPECT_EQ(dir_.revoked.size(), 1u);
}

TEST_F(CallControllerTest, RejectedCallsLeaveNoStateBehind)
{
    controller_->on_event(invite(1, session_head + "m=audio 1 RTP/AVP 0\r\n"));
    controller_->on_event(sip::terminated{sip::call_id{1}, sip::end_reason::rejected, 488});
    EXPECT_TRUE(dir_.revoked.empty());
    EXPECT_EQ(controller_->active_calls(), 0u);
    EXPECT_EQ(controller_->stats().rejected, 1u);
}

TEST_F(CallControllerTest, OptionsNeedNoDecision)
{
    controller_->on_event(sip::options{"sip:alice@example.com"});
    EXPECT_TRUE(sip_.responses.empty());
}

TEST(CallControllerMapping, WarningCodesFollowRfc3261)
{
    EXPECT_EQ(floorctl::app::warning_code(sdp::error::bad_format), 399);
    EXPECT_EQ(floorctl::app::warning_code(sdp::error::no_bfcp_stream), 304);
    EXPECT_EQ(floorctl::app::warning_code(sdp::error::unsupported_transport), 302);
    EXPECT_EQ(floorctl::app::warning_code(sdp::error::bad_bfcp_attribute), 306);
    EXPECT_EQ(floorctl::app::warning_code(sdp::error::setup_conflict), 305);
    EXPECT_EQ(floorctl::app::sip_status(floorctl::app::refusal::full), 486);
}

} // namespace

TEST_F(CallControllerTest, CallsOfAGoneWebSocketClientEndAsItsByeWouldAndOnlyThose)
{
    auto from_client = [&](std::uint64_t id, sip::signalling_transport t, std::uint16_t port) {
        auto inv = invite(id, wss_offer());
        inv.transport = t;
        inv.peer_address = "198.51.100.7";
        inv.peer_port = port;
        controller_->on_event(inv);
        ASSERT_EQ(last().status, 200);
    };
    from_client(1, sip::signalling_transport::wss, 53124);
    from_client(2, sip::signalling_transport::wss, 53124); // a second call on the same socket
    from_client(3, sip::signalling_transport::wss, 53125); // another client of the same host
    from_client(4, sip::signalling_transport::udp, 53124); // same address and port, over UDP
    ASSERT_EQ(dir_.created.size(), 4u);
    EXPECT_EQ(dir_.created[0].signalling_transport, sip::signalling_transport::wss);
    EXPECT_EQ(dir_.created[0].signalling_address, "198.51.100.7");

    EXPECT_EQ(controller_->end_calls_of(sip::signalling_transport::wss, "198.51.100.7", 53124), 2u);
    // The participants are revoked at once, and the agent is told to end the dialogs.
    ASSERT_EQ(dir_.revoked.size(), 2u);
    EXPECT_EQ(sip_.byes.size(), 2u);
    EXPECT_EQ(controller_->active_calls(), 2u);
    EXPECT_FALSE(controller_->participant_of(sip::call_id{1}));
    EXPECT_FALSE(controller_->participant_of(sip::call_id{2}));
    EXPECT_TRUE(controller_->participant_of(sip::call_id{3}));
    EXPECT_TRUE(controller_->participant_of(sip::call_id{4}));

    // The terminated events of those BYEs find nothing left to revoke; a second close is a no-op.
    controller_->on_event(sip::terminated{sip::call_id{1}, sip::end_reason::local_bye, 503});
    EXPECT_EQ(dir_.revoked.size(), 2u);
    EXPECT_EQ(controller_->end_calls_of(sip::signalling_transport::wss, "198.51.100.7", 53124), 0u);
}
