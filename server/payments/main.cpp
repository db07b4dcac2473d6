// The payments service: accounts, top-ups and the PaymentRequested consumer.
#include "app/payments_app.hpp"

int main() {
    return shop::service::runService(shop::payments::paymentsService());
}
