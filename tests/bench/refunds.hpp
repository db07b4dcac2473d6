#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "load.hpp"
#include "report.hpp"

namespace shop::bench {

/// Whether order number `seq` is one of the `ratio` (0..1) of orders that get a refund: spread
/// over the orders without a stride (so over every account), the same for every run.
bool picksForRefund(std::size_t seq, double ratio);
/// The refund of order `seq` of `amountCents`: the whole amount for even numbers, half (at least
/// a cent) for odd ones, so that runs exercise partial refunds as well as REFUNDED orders.
std::int64_t refundCentsFor(std::size_t seq, std::int64_t amountCents);

/// Refunds mixed into the load (`--refund-ratio`): order workers offer every accepted order;
/// for the picked ones, two sender threads wait for the order's FINISHED frame on the push
/// listener, then POST /orders/{id}/refunds (an order refused payment gets none). After the load,
/// awaitCompletion() reads each refunded order until its refunded_amount shows the refund.
class RefundMixer final {
  public:
    RefundMixer(Endpoint gateway, Auth& auth, const PushListener& push, double ratio,
                std::size_t accounts, Clock::time_point start);
    ~RefundMixer();
    RefundMixer(const RefundMixer&) = delete;
    RefundMixer& operator=(const RefundMixer&) = delete;

    /// From an order worker, after order `seq` was accepted. Thread-safe.
    void offer(std::size_t seq, const std::string& orderId, std::size_t account,
               std::int64_t amountCents);
    void start();
    /// Sends what is still waiting for its order to finish until `deadline`, then stops the
    /// senders; a refund whose order never finished by then is not sent.
    void finishSending(Clock::time_point deadline);
    /// GET /orders/{id} of every accepted refund until its refund shows or `deadline` passes.
    void awaitCompletion(Clock::time_point deadline);

    const RefundResults& results() const { return m_results; }
    /// Cents refunded to each account by completed refunds.
    const std::vector<std::int64_t>& refundedCents() const { return m_refundedCents; }
    /// Accounts with a refund whose effect is unknown (no answer, or not completed in time).
    const std::vector<bool>& uncertain() const { return m_uncertain; }

  private:
    struct Refund {
        std::size_t seq = 0;
        std::string orderId;
        std::size_t account = 0;
        std::int64_t cents = 0;
        Clock::time_point due;
        std::int64_t sentNs = 0;
        bool accepted = false;
        bool completed = false;
    };
    void send();
    void sendOne(HttpConnection& connection, Refund refund);

    Endpoint m_gateway;
    Auth& m_auth;
    const PushListener& m_push;
    double m_ratio;
    Clock::time_point m_start;
    std::mutex m_mutex;
    std::deque<Refund> m_waiting;  ///< offered, their order not yet final
    std::vector<Refund> m_sent;    ///< POSTed and answered 202
    bool m_stopping = false;       ///< finishSending() was called: senders leave when idle
    Clock::time_point m_deadline = Clock::time_point::max();
    std::vector<std::thread> m_senders;
    std::vector<double> m_postMs;
    RefundResults m_results;
    std::vector<std::int64_t> m_refundedCents;
    std::vector<bool> m_uncertain;
};

}  // namespace shop::bench
