#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cost.hpp"
#include "stats.hpp"

namespace shop::bench {

/// Memory of one service process, from /proc/<pid>/status (kB).
struct ServiceMemory {
    std::string name;
    int pid = 0;
    std::int64_t peakKb = 0;        ///< VmHWM at the end of the run (peak resident set)
    std::int64_t rssEndKb = 0;      ///< VmRSS at the end of the run
    std::int64_t rssMaxSeenKb = 0;  ///< largest VmRSS sampled during the run
};

/// Closed-loop `GET /orders/{id}` through one proxy.
struct ProxyRun {
    std::string name;
    std::string url;
    std::size_t requests = 0;  ///< answered 200
    std::size_t errors = 0;
    double perSecond = 0;
    LatencySummary latency;
    /// What the run cost each process group (the last one "total"), for per-request figures.
    std::vector<GroupCost> cost;
};

/// The refunds mixed into a run (`--refund-ratio`).
struct RefundResults {
    double ratio = 0;
    std::string note;           ///< why none were mixed in, when none were
    std::size_t offered = 0;    ///< accepted orders picked for a refund
    std::size_t sent = 0;       ///< POST /orders/{id}/refunds sent
    std::size_t accepted = 0;   ///< answered 202
    std::size_t completed = 0;  ///< seen in the order's refunded_amount before the deadline
    std::size_t notPaid = 0;    ///< the order was CANCELLED: nothing to refund
    std::size_t unsettled = 0;  ///< the order was not final in time: never sent
    std::map<std::string, std::size_t> errors;
    LatencySummary post;  ///< POST /orders/{id}/refunds, sent -> answered
};

/// Everything one run measured; rendered as JSON and as the summary line.
struct Results {
    std::string mode;  ///< "open" or "closed"
    double rate = 0;   ///< open loop: offered orders per second
    std::size_t connections = 0;
    double durationS = 0;
    std::size_t accounts = 0;
    std::string gateway;

    std::size_t sent = 0;
    std::size_t accepted = 0;
    std::size_t finished = 0;
    std::size_t cancelled = 0;
    std::size_t lost = 0;            ///< accepted but still not final after the drain time
    std::size_t pushMissing = 0;     ///< final over REST, but no push frame seen
    std::size_t unknownOutcome = 0;  ///< timeouts and connection errors after sending
    std::map<std::string, std::size_t> errors;  ///< by kind, e.g. "http_503_UPSTREAM_UNAVAILABLE"
    double acceptedPerS = 0;
    double completedPerS = 0;
    LatencySummary post;
    bool pushAvailable = false;
    std::string pushNote;  ///< why push figures are missing, or how they were taken
    LatencySummary push;   ///< POST due -> final-status frame

    RefundResults refunds;

    std::size_t balancesChecked = 0;
    std::size_t balancesUnverifiable = 0;  ///< skipped: an order of theirs has no final status
    std::size_t balanceMismatches = 0;
    std::vector<std::string> balanceProblems;  ///< the first few, for the reader

    std::vector<ServiceMemory> memory;
    CostReport cost;                ///< per completed order, by process group, database and broker
    std::vector<ProxyRun> proxies;  ///< gateway and nginx, when compared
    std::string proxyNote;
    std::vector<Bucket> buckets;

    /// Sum of all error counts.
    std::size_t errorCount() const;
};

/// The results as one JSON document (pretty enough to read, stable key order).
std::string toJson(const Results& results);

/// `second accepted completed errors post_p50 post_p99 push_p50 push_p99` rows for gnuplot
/// (push columns are NaN when there is no push figure, which gnuplot skips).
std::string timeseriesData(const std::vector<Bucket>& buckets);

/// A gnuplot script that draws `dataPath` into `pngPath`: latency percentiles over time (log
/// scale) above, accepted and completed orders per second below.
std::string gnuplotScript(const std::string& dataPath, const std::string& pngPath,
                          const std::string& title);

/// `bench: completed_per_s=<n> post_p99_ms=<n> push_p99_ms=<n|unavailable> lost=<n> errors=<n>`.
std::string summaryLine(const Results& results);

/// The cost per completed order as a table, one line per process group, then a line for the
/// database and the broker; unavailable figures say why.
std::string costTable(const CostReport& cost);

/// CPU microseconds and context switches per answered request of each metered group of a proxy
/// run, then the total: `gateway 91 us 2.1 cs, orders 60 us 1.0 cs, ..., total 350 us 5.2 cs`;
/// groups that were not metered are left out.
std::string proxyCostText(const ProxyRun& run);

/// Fixed-point text with `digits` decimals ("12.35").
std::string fixed(double value, int digits);

}  // namespace shop::bench
