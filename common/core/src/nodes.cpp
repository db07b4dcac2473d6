#include "shop/core/nodes.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>
#include <algorithm>
#include <cerrno>

namespace shop::core {

bool tcpReachable(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) {
        return false;
    }
    bool reachable = false;
    for (const addrinfo* at = found; at != nullptr && !reachable; at = at->ai_next) {
        const int fd = ::socket(at->ai_family, at->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                                at->ai_protocol);
        if (fd < 0) {
            continue;
        }
        if (::connect(fd, at->ai_addr, at->ai_addrlen) == 0) {
            reachable = true;
        } else if (errno == EINPROGRESS) {
            pollfd waiting{fd, POLLOUT, 0};
            if (::poll(&waiting, 1, static_cast<int>(timeout.count())) == 1) {
                int error = 0;
                socklen_t length = sizeof error;
                reachable =
                    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
            }
        }
        ::close(fd);
    }
    ::freeaddrinfo(found);
    return reachable;
}

std::size_t nodesUp(const std::vector<NodeState>& nodes) {
    return static_cast<std::size_t>(
        std::count_if(nodes.begin(), nodes.end(), [](const NodeState& node) { return node.up; }));
}

void writeNodes(domain::JsonWriter& out, const std::vector<NodeState>& nodes) {
    out.beginObject();
    for (const bool up : {true, false}) {
        out.key(up ? "up" : "missing").beginArray();
        for (const NodeState& node : nodes) {
            if (node.up == up) {
                out.string(node.address);
            }
        }
        out.endArray();
    }
    out.endObject();
}

}  // namespace shop::core
