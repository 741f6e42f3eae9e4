#pragma once
/// @file udp_socket_buffers.hpp
/// Reads back the kernel buffer sizes of a UDP socket this process opened, found by its bound
/// port among /proc/self/fd: how the tests see what a library (sofia-sip) did to a socket it
/// never hands out.

#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

namespace test_support {

/// SO_RCVBUF and SO_SNDBUF as getsockopt reports them (Linux: twice what was set, for the
/// kernel's bookkeeping).
struct socket_buffers {
    long receive = 0;
    long send = 0;
};

/// The buffers of this process's UDP socket bound to `port`; nullopt when there is none.
inline std::optional<socket_buffers> udp_socket_buffers(std::uint16_t port)
{
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) return std::nullopt;
    std::optional<socket_buffers> found;
    while (auto const* entry = ::readdir(dir)) {
        int const fd = std::atoi(entry->d_name);
        if (fd <= 2) continue;
        int type = 0;
        socklen_t len = sizeof type;
        if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_DGRAM) continue;
        sockaddr_storage addr{};
        len = sizeof addr;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) continue;
        std::uint16_t bound_port = 0;
        if (addr.ss_family == AF_INET)
            bound_port = ntohs(reinterpret_cast<sockaddr_in const*>(&addr)->sin_port);
        else if (addr.ss_family == AF_INET6)
            bound_port = ntohs(reinterpret_cast<sockaddr_in6 const*>(&addr)->sin6_port);
        if (bound_port != port) continue;
        socket_buffers b;
        int v = 0;
        len = sizeof v;
        if (::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0) b.receive = v;
        len = sizeof v;
        if (::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len) == 0) b.send = v;
        found = b;
        break;
    }
    ::closedir(dir);
    return found;
}

/// What a fresh UDP socket gets (net.core.rmem_default / wmem_default as read back).
inline socket_buffers default_udp_buffers()
{
    socket_buffers b;
    int const fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return b;
    int v = 0;
    socklen_t len = sizeof v;
    if (::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0) b.receive = v;
    len = sizeof v;
    if (::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len) == 0) b.send = v;
    ::close(fd);
    return b;
}

/// A sysctl under /proc/sys (e.g. "net/core/rmem_max"); 0 when unreadable.
inline long sysctl_value(std::string const& name)
{
    std::ifstream in("/proc/sys/" + name);
    long v = 0;
    in >> v;
    return v;
}

/// What getsockopt should read back after asking for `requested` bytes: the kernel caps the
/// request at the sysctl maximum (unless a privileged process forces it) and doubles it.
inline long expected_at_least(long requested, std::string const& max_sysctl)
{
    long const cap = sysctl_value(max_sysctl);
    return 2 * (cap > 0 && cap < requested ? cap : requested);
}

} // namespace test_support
