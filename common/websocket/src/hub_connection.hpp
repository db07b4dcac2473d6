#pragma once

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "shop/websocket/frame.hpp"
#include "shop/websocket/hub.hpp"

namespace shop::websocket {

/// One adopted socket. The first group of fields is guarded by the hub's mutex; the second is
/// touched only by the hub's I/O thread.
struct Hub::Connection {
    Connection(const Poco::Net::StreamSocket& s, std::size_t maxFrame)
        : socket(s), decoder(maxFrame) {}

    ConnectionId id = 0;
    int fd = -1;
    Poco::Net::StreamSocket socket;  // owns the descriptor
    Peer peer;
    ClosedCallback onClosed;
    Clock::time_point openedAt = Clock::now();

    // Guarded by the hub's mutex.
    std::vector<SharedFrame> queue;
    std::size_t queuedBytes = 0;
    bool inDirty = false;
    bool closing = false;  // no more frames accepted
    bool closeRequested = false;
    bool dropRequested = false;
    std::uint16_t closeCode = kCloseNormal;
    std::string closeReason;
    std::atomic<std::size_t> unsent{0};  // written by the I/O thread, read by send()

    // The I/O thread's alone.
    std::string out;
    std::size_t outOffset = 0;
    FrameDecoder decoder;
    Clock::time_point lastHeard = Clock::now();
    Clock::time_point pingSentAt{};
    Clock::time_point closeDeadline{};
    bool pingOutstanding = false;
    bool closeSent = false;
    bool peerClosed = false;
    bool wantWrite = false;
    std::uint64_t frames = 0;
};

namespace detail {

/// epoll data of the hub's eventfd; connection ids start at 1.
inline constexpr std::uint64_t kWakeToken = 0;
/// What a connection is always registered for (EPOLLOUT is added while writes are pending).
std::uint32_t readEvents();
/// Milliseconds since `start`, as text for logs.
std::string millisSince(std::chrono::steady_clock::time_point start);

}  // namespace detail
}  // namespace shop::websocket
