#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shop::bench {

/// Percentiles of one set of latencies, in milliseconds. All zero when `count` is 0.
struct LatencySummary {
    std::size_t count = 0;
    double p50 = 0;
    double p90 = 0;
    double p99 = 0;
    double max = 0;
    double mean = 0;
};

/// The nearest-rank percentile `p` (0..100) of `sorted` (ascending): the smallest value such that
/// at least p% of the values are <= it. 0 for an empty vector; p <= 0 gives the minimum.
double percentile(const std::vector<double>& sorted, double p);

/// Sorts `valuesMs` and summarizes them.
LatencySummary summarize(std::vector<double> valuesMs);

/// The send times of an open-loop run: request i is due at start + i / rate, whatever happened
/// to the earlier ones, so a stalled server shows up as latency instead of as fewer requests
/// (no coordinated omission).
class OpenLoopSchedule final {
  public:
    /// Throws std::invalid_argument when the rate or duration is not positive.
    OpenLoopSchedule(double ratePerSecond, double durationSeconds);

    /// How many requests fit in the duration: floor(rate * duration), at least 1.
    std::size_t count() const { return m_count; }
    /// When request `index` is due, measured from the start of the run.
    std::chrono::nanoseconds offsetOf(std::size_t index) const;

  private:
    double m_rate;
    std::size_t m_count;
};

/// `host` and `port` of an `http://host[:port][/]` or `ws://...` URL; nullopt for anything else
/// (https, a path, a bad port). The default port is 80.
struct Endpoint {
    std::string host;
    std::uint16_t port = 80;
};
std::optional<Endpoint> parseHttpUrl(std::string_view url);

/// Minor units of a money string as the API returns it ("199.99", "5", "0.5"); nullopt when it
/// is not a non-negative decimal with at most two fraction digits.
std::optional<std::int64_t> parseCents(std::string_view text);

/// "199.99" for 19999.
std::string formatCents(std::int64_t cents);

/// What one second of a run saw. Latencies are of the requests due in that second.
struct Bucket {
    std::size_t second = 0;
    std::size_t accepted = 0;   ///< POSTs answered 201 that were due in this second
    std::size_t completed = 0;  ///< final statuses that arrived in this second
    std::size_t errors = 0;     ///< POSTs due in this second that failed
    LatencySummary post;
    LatencySummary push;
};

/// One order request as measured by the load generator; times are nanoseconds from the start of
/// the run (`completedNs` is -1 while no final status is known).
struct Sample {
    std::int64_t dueNs = 0;
    std::int64_t answeredNs = 0;
    bool accepted = false;
    bool failed = false;
    std::int64_t completedNs = -1;
    bool pushed = false;  ///< the final status came over the WebSocket (push latency is valid)
};

/// Groups samples into one bucket per second of the run, up to the last second anything
/// happened in.
std::vector<Bucket> bucketize(const std::vector<Sample>& samples);

}  // namespace shop::bench
