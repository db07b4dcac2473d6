#include "shop/service/deliveries.hpp"

namespace shop::service {

std::string requestIdOf(const amqp::Delivery& delivery) {
    const std::string* requestId = delivery.message.header("x-request-id");
    return requestId != nullptr ? *requestId : "";
}

}  // namespace shop::service
