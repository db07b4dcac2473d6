// The orders service: orders and the PaymentResult consumer.
#include "app/orders_app.hpp"

int main() {
    return shop::service::runService(shop::orders::ordersService());
}
