// ws::listener with an echoing handler: floorctl's network adapter without the BFCP core. Run
// beside floorctl_echo_server (bare Beast) to see what ws/ itself costs (upgrade checks, frame
// sniffer, registry hop, bounded write queue), separately from the core's cost.
//
//   floorctl_ws_echo_server [--address A] [--port P] [--threads N] [--strand]
// With one thread connections use the io_context's executor (listener_options::one_io_thread),
// as floorctl does; --strand keeps a strand per connection.
// Accepts any token; limits are off (the generator opens everything from 127.0.0.1).
// Prints "PORT <port>" once listening; runs until SIGINT/SIGTERM.

#include <ws/listener.hpp>
#include <ws/tls.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

class echo_handler : public ws::handler {
public:
    std::shared_ptr<ws::registry> reg;

    ws::auth_result authenticate(std::string const& token, ws::http_request const&,
                                 ws::request_context const&) override
    {
        return ws::binding{floorctl::conference_id{1}, floorctl::user_id{1}, token};
    }
    void on_open(floorctl::connection_id, ws::binding const&, floorctl::transport_kind,
                 std::string const&) override
    {
    }
    void on_frame(floorctl::connection_id conn, std::span<std::byte const> frame) override
    {
        reg->send(conn, frame);
    }
    void on_close(floorctl::connection_id, ws::close_info const&) override {}
    void on_http(ws::http_request req, ws::request_context const&,
                 ws::http_responder respond) override
    {
        ws::http_response res{ws::http_status::not_found, req.version()};
        respond(std::move(res));
    }
};

} // namespace

int main(int argc, char** argv)
{
    ws::listener_options o;
    int threads = 1;
    bool force_strand = false;
    for (int i = 1; i < argc; ++i) {
        std::string const a = argv[i];
        if (a == "--strand")
            force_strand = true;
        else if (i + 1 < argc && a == "--address")
            o.address = argv[++i];
        else if (i + 1 < argc && a == "--port")
            o.port = static_cast<std::uint16_t>(std::stoi(argv[++i]));
        else if (i + 1 < argc && a == "--threads")
            threads = std::stoi(argv[++i]);
        else {
            std::cerr << "usage: floorctl_ws_echo_server [--address A] [--port P] [--threads N] "
                         "[--strand]\n";
            return a == "--help" ? 0 : 2;
        }
    }
    o.tls = ws::make_server_context(ws::make_self_signed());
    o.max_connections = 0;
    o.max_connections_per_address = 0;
    o.max_messages_per_second = 0;
    o.one_io_thread = threads == 1 && !force_strand;
    boost::asio::io_context ioc{threads};
    auto app = std::make_shared<echo_handler>();
    auto l = ws::listener::create(ioc, o, app);
    app->reg = l->connections_ptr();
    l->run();
    std::cout << "PORT " << l->port() << std::endl;
    boost::asio::signal_set signals{ioc, SIGINT, SIGTERM};
    signals.async_wait([&](boost::system::error_code, int) {
        l->stop();
        ioc.stop();
    });
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i)
        pool.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : pool)
        t.join();
    return 0;
}
