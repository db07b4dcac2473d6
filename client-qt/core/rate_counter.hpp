#pragma once

#include <QList>
#include <QMap>
#include <QString>

namespace shop::client {

/// Orders reaching FINISHED and CANCELLED, counted per second over a sliding window: what the
/// live chart draws. Pushes arrive in bursts, so a per-second count jumps between 0 and twice
/// the rate; rates() smooths it with a trailing average. Plain data, no timers: the caller says
/// what time it is.
class RateCounter final {
  public:
    /// One second of the window.
    struct Bucket {
        qint64 second = 0;  ///< seconds since the epoch
        int finished = 0;
        int cancelled = 0;
    };
    /// The rate at one second: the average per second over the `smoothingSeconds` ending there.
    struct Rate {
        qint64 second = 0;  ///< seconds since the epoch
        double finished = 0;
        double cancelled = 0;
    };

    explicit RateCounter(int windowSeconds = 60, int smoothingSeconds = 5);

    /// Counts `status` (NEW and anything else is ignored) in the second `epochSecond`.
    void record(const QString& status, qint64 epochSecond);
    /// The `windowSeconds` buckets ending at `nowSecond`, oldest first, zero where nothing
    /// happened; forgets everything too old for the window and its smoothing.
    QList<Bucket> window(qint64 nowSecond);
    /// The smoothed rate at each second of the window ending at `nowSecond`, oldest first: at
    /// second s, the counts of s - smoothingSeconds + 1 .. s summed and divided by
    /// smoothingSeconds (so a steady 10 per second reads 10 however the pushes bunch up).
    QList<Rate> rates(qint64 nowSecond);
    /// Forgets every count.
    void clear() { m_buckets.clear(); }
    /// The window's length in seconds.
    int windowSeconds() const { return m_windowSeconds; }
    /// How many seconds each rate averages over.
    int smoothingSeconds() const { return m_smoothingSeconds; }

  private:
    void forgetBefore(qint64 second);
    Bucket bucketAt(qint64 second) const;

    int m_windowSeconds;
    int m_smoothingSeconds;
    QMap<qint64, Bucket> m_buckets;
};

}  // namespace shop::client
