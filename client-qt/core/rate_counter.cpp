#include "core/rate_counter.hpp"

#include "core/api_types.hpp"

namespace shop::client {

RateCounter::RateCounter(int windowSeconds, int smoothingSeconds)
    : m_windowSeconds(windowSeconds < 1 ? 1 : windowSeconds),
      m_smoothingSeconds(smoothingSeconds < 1 ? 1 : smoothingSeconds) {}

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

void RateCounter::forgetBefore(qint64 second) {
    while (!m_buckets.isEmpty() && m_buckets.firstKey() < second) {
        m_buckets.erase(m_buckets.begin());
    }
}

RateCounter::Bucket RateCounter::bucketAt(qint64 second) const {
    const auto it = m_buckets.constFind(second);
    return it != m_buckets.cend() ? *it : Bucket{second, 0, 0};
}

QList<RateCounter::Bucket> RateCounter::window(qint64 nowSecond) {
    const qint64 first = nowSecond - m_windowSeconds + 1;
    // The first rate of the window averages over seconds before it: keep those.
    forgetBefore(first - m_smoothingSeconds + 1);
    QList<Bucket> result;
    result.reserve(m_windowSeconds);
    for (qint64 second = first; second <= nowSecond; ++second) {
        result.append(bucketAt(second));
    }
    return result;
}

QList<RateCounter::Rate> RateCounter::rates(qint64 nowSecond) {
    const qint64 first = nowSecond - m_windowSeconds + 1;
    forgetBefore(first - m_smoothingSeconds + 1);
    // A running sum over the trailing span, in whole counts: divided once per point.
    int finished = 0;
    int cancelled = 0;
    for (qint64 second = first - m_smoothingSeconds + 1; second < first; ++second) {
        const Bucket bucket = bucketAt(second);
        finished += bucket.finished;
        cancelled += bucket.cancelled;
    }
    QList<Rate> result;
    result.reserve(m_windowSeconds);
    for (qint64 second = first; second <= nowSecond; ++second) {
        const Bucket entering = bucketAt(second);
        finished += entering.finished;
        cancelled += entering.cancelled;
        result.append(Rate{second, static_cast<double>(finished) / m_smoothingSeconds,
                           static_cast<double>(cancelled) / m_smoothingSeconds});
        const Bucket leaving = bucketAt(second - m_smoothingSeconds + 1);
        finished -= leaving.finished;
        cancelled -= leaving.cancelled;
    }
    return result;
}

}  // namespace shop::client
