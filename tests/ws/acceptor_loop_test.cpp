// The accept loop hands every listener its sockets with TCP_NODELAY set: sessions write each
// message as soon as it is complete, and a second message written before the peer acknowledged the
// first (a SIP 100 then its 200 over WebSocket) would otherwise wait for the peer's delayed ACK.
#include "acceptor_loop.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <chrono>
#include <future>

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

TEST(AcceptorLoop, AcceptedSocketsHaveNoDelay)
{
    net::io_context ioc;
    auto loop = std::make_shared<ws::detail::acceptor_loop>(
        ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0), true, ws::log_sink{}, "test");
    std::promise<int> nodelay;
    loop->start([&](tcp::socket s) {
        int value = -1;
        socklen_t len = sizeof value;
        ::getsockopt(s.native_handle(), IPPROTO_TCP, TCP_NODELAY, &value, &len);
        nodelay.set_value(value);
        loop->stop();
    });
    tcp::socket client(ioc);
    client.connect(loop->local_endpoint());
    auto answer = nodelay.get_future();
    ioc.run_for(std::chrono::seconds(5));
    ASSERT_EQ(answer.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    EXPECT_NE(answer.get(), 0);
}

} // namespace
