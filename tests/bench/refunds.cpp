#include "refunds.hpp"

#include <cmath>

#include "shop/domain/json.hpp"

namespace shop::bench {
namespace {

constexpr std::size_t kSenders = 2;
constexpr std::size_t kPollers = 4;
/// How soon a picked order is looked at again while it is not final.
constexpr std::chrono::milliseconds kRecheck{200};

std::int64_t nsSince(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

/// `data.refunded_amount` of a GET /orders/{id} answer, in cents.
std::optional<std::int64_t> refundedOf(const Reply& reply) {
    if (reply.status != 200) {
        return std::nullopt;
    }
    std::string error;
    const auto json = domain::parseJson(reply.body, error);
    const domain::Json* data = json && json->isObject() ? json->find("data") : nullptr;
    const domain::Json* refunded = data != nullptr ? data->find("refunded_amount") : nullptr;
    if (refunded == nullptr || !refunded->isString()) {
        return std::nullopt;
    }
    return parseCents(refunded->asString());
}

}  // namespace

bool picksForRefund(std::size_t seq, double ratio) {
    // A multiplicative hash of the number, not every n-th order: orders go to the accounts in
    // turn (seq % accounts) and every tenth account is nearly empty, so a stride would pick the
    // orders of one kind of account only (every tenth order: those of the empty accounts).
    const std::uint32_t mixed = static_cast<std::uint32_t>(seq) * 2654435761U;
    return static_cast<double>(mixed) < ratio * 4294967296.0;
}

std::int64_t refundCentsFor(std::size_t seq, std::int64_t amountCents) {
    return seq % 2 == 0 ? amountCents : std::max<std::int64_t>(1, amountCents / 2);
}

RefundMixer::RefundMixer(Endpoint gateway, Auth& auth, const PushListener& push, double ratio,
                         std::size_t accounts, Clock::time_point start)
    : m_gateway(std::move(gateway)),
      m_auth(auth),
      m_push(push),
      m_ratio(ratio),
      m_start(start),
      m_refundedCents(accounts, 0),
      m_uncertain(accounts, false) {
    m_results.ratio = ratio;
}

RefundMixer::~RefundMixer() {
    finishSending(Clock::now());
}

void RefundMixer::offer(std::size_t seq, const std::string& orderId, std::size_t account,
                        std::int64_t amountCents) {
    if (!picksForRefund(seq, m_ratio)) {
        return;
    }
    std::lock_guard lock(m_mutex);
    ++m_results.offered;
    m_waiting.push_back(
        Refund{seq, orderId, account, refundCentsFor(seq, amountCents), Clock::now() + kRecheck});
}

void RefundMixer::start() {
    for (std::size_t i = 0; i < kSenders; ++i) {
        m_senders.emplace_back([this] { send(); });
    }
}

void RefundMixer::finishSending(Clock::time_point deadline) {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_deadline = deadline;
    }
    for (auto& sender : m_senders) {
        sender.join();
    }
    m_senders.clear();
    m_results.post = summarize(std::move(m_postMs));
    m_postMs.clear();
}

void RefundMixer::send() {
    HttpConnection connection(m_gateway, std::chrono::seconds(10), &m_auth);
    while (true) {
        std::optional<Refund> next;
        Clock::time_point deadline;
        {
            std::lock_guard lock(m_mutex);
            if (m_waiting.empty() && m_stopping) {
                return;
            }
            if (!m_waiting.empty() && m_waiting.front().due <= Clock::now()) {
                next = std::move(m_waiting.front());
                m_waiting.pop_front();
            }
            deadline = m_deadline;
        }
        if (!next) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        const auto final = m_push.find(next->orderId);
        if (!final) {
            std::lock_guard lock(m_mutex);
            if (Clock::now() >= deadline) {
                ++m_results.unsettled;
            } else {
                next->due = Clock::now() + kRecheck;
                m_waiting.push_back(std::move(*next));
            }
            continue;
        }
        if (final->status != "FINISHED") {
            std::lock_guard lock(m_mutex);
            ++m_results.notPaid;
            continue;
        }
        sendOne(connection, std::move(*next));
    }
}

void RefundMixer::sendOne(HttpConnection& connection, Refund refund) {
    const std::string body =
        R"({"amount": ")" + formatCents(refund.cents) + R"(", "reason": "bench"})";
    refund.sentNs = nsSince(m_start);
    std::string failure;
    try {
        const auto reply = connection.send("POST", "/orders/" + refund.orderId + "/refunds", &body);
        refund.accepted = reply.status == 202;
        if (!refund.accepted) {
            failure = httpErrorKind(reply);
        }
    } catch (const TransportError& e) {
        failure = e.kind();
    }
    const double ms = static_cast<double>(nsSince(m_start) - refund.sentNs) / 1e6;
    std::lock_guard lock(m_mutex);
    ++m_results.sent;
    if (refund.accepted) {
        ++m_results.accepted;
        m_postMs.push_back(ms);
        m_sent.push_back(std::move(refund));
        return;
    }
    ++m_results.errors[failure];
    if (failure == "timeout" || failure == "connection_error") {
        m_uncertain[refund.account] = true;  // it may have been written
    }
}

void RefundMixer::awaitCompletion(Clock::time_point deadline) {
    std::vector<Refund*> pending;
    for (auto& refund : m_sent) {
        pending.push_back(&refund);
    }
    while (!pending.empty()) {
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> pollers;
        for (std::size_t t = 0; t < std::min(kPollers, pending.size()); ++t) {
            pollers.emplace_back([&] {
                HttpConnection connection(m_gateway, std::chrono::seconds(10), &m_auth);
                for (std::size_t i = next++; i < pending.size(); i = next++) {
                    try {
                        const auto refunded =
                            refundedOf(connection.send("GET", "/orders/" + pending[i]->orderId));
                        // One refund per order: it shows once refunded_amount reaches it.
                        pending[i]->completed = refunded && *refunded >= pending[i]->cents;
                    } catch (const TransportError&) {
                        // Asked again next round.
                    }
                }
            });
        }
        for (auto& poller : pollers) {
            poller.join();
        }
        std::erase_if(pending, [](const Refund* refund) { return refund->completed; });
        if (pending.empty() || Clock::now() >= deadline) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    for (const auto& refund : m_sent) {
        if (refund.completed) {
            ++m_results.completed;
            m_refundedCents[refund.account] += refund.cents;
        } else {
            m_uncertain[refund.account] = true;
        }
    }
}

}  // namespace shop::bench
