#pragma once

#include "shop/websocket/hub.hpp"
#include "ws/order_streams.hpp"

namespace shop::gateway {

/// OrderStreams' messages as WebSocket text frames on the hub: each encoded once, shared by
/// every socket it goes to.
class HubSink final : public FrameSink {
  public:
    explicit HubSink(websocket::Hub& hub) : m_hub(hub) {}
    Message prepare(std::string json) override { return websocket::Hub::textFrame(json); }
    bool send(std::uint64_t connection, const Message& message) override {
        return m_hub.send(connection, message);
    }

  private:
    websocket::Hub& m_hub;
};

}  // namespace shop::gateway
