#pragma once

#include <QList>
#include <QMap>
#include <QString>

namespace shop::client {

/// Orders reaching FINISHED and CANCELLED, counted per second over a sliding window: what the
/// live chart draws. Plain data, no timers: the caller says what time it is.
class RateCounter final {
  public:
    /// One second of the window.
    struct Bucket {
        qint64 second = 0;  ///< seconds since the epoch
        int finished = 0;
        int cancelled = 0;
    };

    explicit RateCounter(int windowSeconds = 60);

    /// Counts `status` (NEW and anything else is ignored) in the second `epochSecond`.
    void record(const QString& status, qint64 epochSecond);
    /// The `windowSeconds` buckets ending at `nowSecond`, oldest first, zero where nothing
    /// happened; forgets everything older.
    QList<Bucket> window(qint64 nowSecond);
    /// The window's length in seconds.
    int windowSeconds() const { return m_windowSeconds; }

  private:
    int m_windowSeconds;
    QMap<qint64, Bucket> m_buckets;
};

}  // namespace shop::client
