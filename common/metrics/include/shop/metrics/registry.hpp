#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace shop::metrics {

/// A count that only goes up (requests served, messages consumed). Thread-safe and lock-free.
class Counter final {
  public:
    void inc(std::uint64_t by = 1) noexcept { m_value.fetch_add(by, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return m_value.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::uint64_t> m_value{0};
};

/// A value that goes up and down (open connections, rows waiting). Thread-safe and lock-free.
class Gauge final {
  public:
    void set(double value) noexcept { m_value.store(value, std::memory_order_relaxed); }
    void add(double delta) noexcept { m_value.fetch_add(delta, std::memory_order_relaxed); }
    double value() const noexcept { return m_value.load(std::memory_order_relaxed); }

  private:
    std::atomic<double> m_value{0.0};
};

/// Observations counted into fixed buckets (latencies). Thread-safe and lock-free.
class Histogram final {
  public:
    /// `bounds` are the upper bounds of the buckets, strictly increasing; +Inf is implicit.
    explicit Histogram(std::vector<double> bounds);
    void observe(double value) noexcept;

    const std::vector<double>& bounds() const noexcept { return m_bounds; }
    /// Observations <= bounds()[i] (cumulative, as Prometheus reports them); the last entry is
    /// the +Inf bucket, equal to count().
    std::vector<std::uint64_t> cumulativeCounts() const;
    std::uint64_t count() const noexcept { return m_count.load(std::memory_order_relaxed); }
    double sum() const noexcept { return m_sum.load(std::memory_order_relaxed); }

  private:
    std::vector<double> m_bounds;
    std::unique_ptr<std::atomic<std::uint64_t>[]> m_buckets;  // one per bound, plus +Inf
    std::atomic<std::uint64_t> m_count{0};
    std::atomic<double> m_sum{0.0};
};

/// Latency buckets in seconds, from 1 ms to 10 s.
std::vector<double> defaultLatencyBuckets();

enum class Type { Counter, Gauge, Histogram };

/// One value of a callback metric, read at scrape time.
struct Sample {
    std::vector<std::string> labelValues;
    double value = 0.0;
};

class Registry;

/// All series of one metric name, one per combination of label values.
/// with() creates a series on first use and returns the same object afterwards; references stay
/// valid for the life of the Registry. Thread-safe.
template <typename Metric>
class Family final {
  public:
    /// Throws std::invalid_argument when the number of values differs from the label names.
    Metric& with(const std::vector<std::string>& labelValues = {});

  private:
    friend class Registry;
    Family(std::vector<std::string> labelNames, std::vector<double> bounds)
        : m_labelNames(std::move(labelNames)), m_bounds(std::move(bounds)) {}

    std::vector<std::string> m_labelNames;
    std::vector<double> m_bounds;  // histograms only
    mutable std::mutex m_mutex;
    std::map<std::vector<std::string>, std::unique_ptr<Metric>> m_series;
};

/// A process's metrics and their rendering in the Prometheus text exposition format (0.0.4).
///
/// Names must match [a-zA-Z_:][a-zA-Z0-9_:]* and label names [a-zA-Z_][a-zA-Z0-9_]*; registering
/// a bad or duplicate name throws std::invalid_argument. Registration and rendering are
/// thread-safe; updating a metric never takes the registry's lock.
class Registry final {
  public:
    Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;
    ~Registry();

    Family<Counter>& counter(std::string name, std::string help,
                             std::vector<std::string> labelNames = {});
    Family<Gauge>& gauge(std::string name, std::string help,
                         std::vector<std::string> labelNames = {});
    Family<Histogram>& histogram(std::string name, std::string help,
                                 std::vector<std::string> labelNames,
                                 std::vector<double> bounds = defaultLatencyBuckets());

    /// A counter or gauge whose series are read from `collect` at every scrape (for values kept
    /// elsewhere, e.g. a worker's atomics). `collect` must be thread-safe and must not throw.
    void callback(std::string name, std::string help, Type type,
                  std::vector<std::string> labelNames,
                  std::function<std::vector<Sample>()> collect);
    /// callback() for one unlabelled value.
    void callback(std::string name, std::string help, Type type, std::function<double()> read);

    /// Runs before every render, in registration order: refreshes gauges whose value is costly
    /// to keep current (one database query for several gauges). Exceptions are swallowed.
    void onScrape(std::function<void()> refresh);

    /// Every metric in the text format, in registration order. Runs the onScrape hooks first.
    std::string render() const;

  private:
    struct Entry;
    Entry& add(std::string name, std::string help, Type type, std::vector<std::string> labels);

    mutable std::mutex m_mutex;
    std::vector<std::unique_ptr<Entry>> m_entries;
    std::vector<std::function<void()>> m_refreshers;
};

/// The content type of render()'s output.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace shop::metrics
