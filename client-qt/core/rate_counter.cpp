#include "core/rate_counter.hpp"

#include "core/api_types.hpp"

namespace shop::client {

RateCounter::RateCounter(int windowSeconds)
    : m_windowSeconds(windowSeconds < 1 ? 1 : windowSeconds) {}

void RateCounter::record(const QString& status, qint64 epochSecond) {
    const bool finished = status == QLatin1StringView(status::kFinished);
    const bool cancelled = status == QLatin1StringView(status::kCancelled);
    if (!finished && !cancelled) {
        return;
    }
    Bucket& bucket = m_buckets[epochSecond];
    bucket.second = epochSecond;
    if (finished) {
        ++bucket.finished;
    } else {
        ++bucket.cancelled;
    }
}

QList<RateCounter::Bucket> RateCounter::window(qint64 nowSecond) {
    const qint64 first = nowSecond - m_windowSeconds + 1;
    while (!m_buckets.isEmpty() && m_buckets.firstKey() < first) {
        m_buckets.erase(m_buckets.begin());
    }
    QList<Bucket> result;
    result.reserve(m_windowSeconds);
    for (qint64 second = first; second <= nowSecond; ++second) {
        const auto it = m_buckets.constFind(second);
        result.append(it != m_buckets.cend() ? *it : Bucket{second, 0, 0});
    }
    return result;
}

}  // namespace shop::client
