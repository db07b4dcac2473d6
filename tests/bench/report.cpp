#include "report.hpp"

#include <cmath>
#include <cstdio>
#include <numeric>

#include "shop/domain/json.hpp"

namespace shop::bench {
namespace {

using domain::JsonWriter;

void writeLatency(JsonWriter& w, std::string_view name, const LatencySummary& s) {
    w.key(name).beginObject();
    w.field("count", static_cast<std::int64_t>(s.count));
    w.key("p50_ms").raw(fixed(s.p50, 3));
    w.key("p90_ms").raw(fixed(s.p90, 3));
    w.key("p99_ms").raw(fixed(s.p99, 3));
    w.key("max_ms").raw(fixed(s.max, 3));
    w.key("mean_ms").raw(fixed(s.mean, 3));
    w.endObject();
}

std::int64_t i64(std::size_t value) {
    return static_cast<std::int64_t>(value);
}

/// `name` and its per-order value (null without completed orders).
void writePerOrder(JsonWriter& w, std::string_view name, double total, std::size_t orders,
                   int digits) {
    w.key(name);
    if (const auto v = perOrder(total, orders)) {
        w.raw(fixed(*v, digits));
    } else {
        w.null();
    }
}

/// `name` with `total`, `name_per_order` with its share, and `name_note` when unavailable.
void writeCounter(JsonWriter& w, const std::string& name, const std::optional<std::int64_t>& total,
                  const std::string& note, std::size_t orders) {
    if (total) {
        w.field(name, *total);
        writePerOrder(w, name + "_per_order", static_cast<double>(*total), orders, 3);
    } else {
        w.fieldNull(name);
        w.fieldNull(name + "_per_order");
        w.field(name + "_note", note);
    }
}

/// One broker counter; nullopt when the broker was not read.
std::optional<std::int64_t> brokerCount(const CostReport& c, std::int64_t BrokerCounts::*member) {
    return c.broker ? std::optional<std::int64_t>((*c.broker).*member) : std::nullopt;
}

void writeCost(JsonWriter& w, const CostReport& c) {
    w.key("cost").beginObject();
    w.field("completed_orders", i64(c.orders));
    w.key("processes").beginArray();
    for (const auto& g : c.groups) {
        w.beginObject();
        w.field("group", g.name);
        w.fieldBool("available", g.available);
        if (g.available) {
            w.key("cpu_ms").raw(fixed(g.cpuMs, 3));
            writePerOrder(w, "cpu_ms_per_order", g.cpuMs, c.orders, 4);
            w.field("context_switches", g.contextSwitches);
            writePerOrder(w, "context_switches_per_order", static_cast<double>(g.contextSwitches),
                          c.orders, 3);
            w.field("threads_at_end", g.threads);
        } else {
            w.field("note", g.note);
        }
        w.endObject();
    }
    w.endArray();
    w.key("database").beginObject();
    writeCounter(w, "transactions", c.transactions, c.transactionsNote, c.orders);
    writeCounter(w, "statements", c.statements, c.statementsNote, c.orders);
    w.endObject();
    w.key("broker").beginObject();
    w.fieldBool("available", c.broker.has_value());
    writeCounter(w, "published", brokerCount(c, &BrokerCounts::published), c.brokerNote, c.orders);
    writeCounter(w, "delivered", brokerCount(c, &BrokerCounts::delivered), c.brokerNote, c.orders);
    writeCounter(w, "acked", brokerCount(c, &BrokerCounts::acked), c.brokerNote, c.orders);
    w.endObject();
    w.endObject();
}

/// A cumulative figure of the cost report.
struct Figure {
    std::optional<std::int64_t> total;
    std::string what;
    int digits = 1;
};

/// "3.02 transactions, 7.5 statements per order", then ", <what> unavailable" for each missing
/// figure; just "unavailable" when none is there. `orders` must not be 0.
std::string perOrderText(const std::vector<Figure>& figures, std::size_t orders) {
    std::string available;
    std::string missing;
    for (const auto& f : figures) {
        if (f.total) {
            available +=
                (available.empty() ? "" : ", ") +
                fixed(perOrder(static_cast<double>(*f.total), orders).value_or(0), f.digits) + " " +
                f.what;
        } else {
            missing += ", " + f.what + " unavailable";
        }
    }
    return available.empty() ? "unavailable" : available + " per order" + missing;
}

std::string padRight(std::string text, std::size_t width) {
    if (text.size() < width) {
        text.append(width - text.size(), ' ');
    }
    return text;
}

std::string padLeft(const std::string& text, std::size_t width) {
    return text.size() < width ? std::string(width - text.size(), ' ') + text : text;
}

}  // namespace

std::string fixed(double value, int digits) {
    if (!std::isfinite(value)) {
        return "0";
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
    return buffer;
}

std::size_t Results::errorCount() const {
    return std::accumulate(errors.begin(), errors.end(), std::size_t{0},
                           [](std::size_t sum, const auto& kv) { return sum + kv.second; });
}

std::string toJson(const Results& r) {
    JsonWriter w;
    w.beginObject();
    w.key("config").beginObject();
    w.field("mode", r.mode);
    w.key("rate_per_s").raw(fixed(r.rate, 1));
    w.field("connections", i64(r.connections));
    w.key("duration_s").raw(fixed(r.durationS, 1));
    w.field("accounts", i64(r.accounts));
    w.field("gateway", r.gateway);
    w.endObject();

    w.key("orders").beginObject();
    w.field("sent", i64(r.sent));
    w.field("accepted", i64(r.accepted));
    w.field("finished", i64(r.finished));
    w.field("cancelled", i64(r.cancelled));
    w.field("lost", i64(r.lost));
    w.field("push_missing", i64(r.pushMissing));
    w.field("unknown_outcome", i64(r.unknownOutcome));
    w.key("accepted_per_s").raw(fixed(r.acceptedPerS, 1));
    w.key("completed_per_s").raw(fixed(r.completedPerS, 1));
    w.endObject();

    w.key("errors").beginObject();
    for (const auto& [kind, count] : r.errors) {
        w.field(kind, i64(count));
    }
    w.endObject();
    w.field("error_count", i64(r.errorCount()));

    writeLatency(w, "post_latency", r.post);
    w.fieldBool("push_available", r.pushAvailable);
    w.field("push_note", r.pushNote);
    if (r.pushAvailable) {
        writeLatency(w, "push_latency", r.push);
    } else {
        w.fieldNull("push_latency");
    }

    const RefundResults& refunds = r.refunds;
    w.key("refunds").beginObject();
    w.key("ratio").raw(fixed(refunds.ratio, 3));
    w.field("note", refunds.note);
    w.field("offered", i64(refunds.offered));
    w.field("sent", i64(refunds.sent));
    w.field("accepted", i64(refunds.accepted));
    w.field("completed", i64(refunds.completed));
    w.field("not_paid", i64(refunds.notPaid));
    w.field("unsettled", i64(refunds.unsettled));
    w.key("errors").beginObject();
    for (const auto& [kind, count] : refunds.errors) {
        w.field(kind, i64(count));
    }
    w.endObject();
    writeLatency(w, "post_latency", refunds.post);
    w.endObject();

    w.key("balances").beginObject();
    w.field("checked", i64(r.balancesChecked));
    w.field("unverifiable", i64(r.balancesUnverifiable));
    w.field("mismatches", i64(r.balanceMismatches));
    w.key("problems").beginArray();
    for (const auto& p : r.balanceProblems) {
        w.string(p);
    }
    w.endArray();
    w.endObject();

    w.key("memory").beginArray();
    for (const auto& m : r.memory) {
        w.beginObject();
        w.field("service", m.name);
        w.field("pid", static_cast<std::int64_t>(m.pid));
        w.field("peak_rss_kb", m.peakKb);
        w.field("rss_end_kb", m.rssEndKb);
        w.field("rss_max_sampled_kb", m.rssMaxSeenKb);
        w.endObject();
    }
    w.endArray();
    writeCost(w, r.cost);

    w.key("proxy_comparison").beginObject();
    w.field("note", r.proxyNote);
    w.key("runs").beginArray();
    for (const auto& p : r.proxies) {
        w.beginObject();
        w.field("name", p.name);
        w.field("url", p.url);
        w.field("requests", i64(p.requests));
        w.field("errors", i64(p.errors));
        w.key("per_s").raw(fixed(p.perSecond, 1));
        writeLatency(w, "latency", p.latency);
        w.key("cost_per_request").beginArray();
        for (const auto& g : p.cost) {
            if (!g.available || p.requests == 0) {
                continue;
            }
            const double requests = static_cast<double>(p.requests);
            w.beginObject();
            w.field("name", g.name);
            w.key("cpu_us").raw(fixed(g.cpuMs * 1000.0 / requests, 1));
            w.key("ctx_switches").raw(fixed(static_cast<double>(g.contextSwitches) / requests, 2));
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }
    w.endArray();
    if (r.proxies.size() == 2 && r.proxies[1].perSecond > 0 && r.proxies[1].latency.p99 > 0) {
        w.key("throughput_ratio").raw(fixed(r.proxies[0].perSecond / r.proxies[1].perSecond, 3));
        w.key("p99_ratio").raw(fixed(r.proxies[0].latency.p99 / r.proxies[1].latency.p99, 3));
    }
    w.endObject();

    w.key("timeseries").beginArray();
    for (const auto& b : r.buckets) {
        w.beginObject();
        w.field("second", i64(b.second));
        w.field("accepted", i64(b.accepted));
        w.field("completed", i64(b.completed));
        w.field("errors", i64(b.errors));
        w.key("post_p50_ms").raw(fixed(b.post.p50, 3));
        w.key("post_p99_ms").raw(fixed(b.post.p99, 3));
        if (b.push.count > 0) {
            w.key("push_p50_ms").raw(fixed(b.push.p50, 3));
            w.key("push_p99_ms").raw(fixed(b.push.p99, 3));
        }
        w.endObject();
    }
    w.endArray();
    w.endObject();
    return w.take() + "\n";
}

std::string costTable(const CostReport& c) {
    constexpr std::size_t kName = 38;
    if (c.orders == 0) {
        return "cost per completed order: no completed orders\n";
    }
    std::string out =
        padRight("cost per completed order (" + std::to_string(c.orders) + " orders):", kName) +
        padLeft("cpu_ms", 8) + padLeft("ctx_switches", 15) + padLeft("threads", 9) + "\n";
    for (const auto& g : c.groups) {
        out += "  " + padRight(g.name, kName - 2);
        if (g.available) {
            out +=
                padLeft(fixed(*perOrder(g.cpuMs, c.orders), 3), 8) +
                padLeft(fixed(*perOrder(static_cast<double>(g.contextSwitches), c.orders), 1), 15) +
                padLeft(std::to_string(g.threads), 9) + "\n";
        } else {
            out += "unavailable: " + g.note + "\n";
        }
    }
    out += "database: " +
           perOrderText({{c.transactions, "transactions", 2}, {c.statements, "statements", 1}},
                        c.orders) +
           "; broker: " +
           perOrderText({{brokerCount(c, &BrokerCounts::published), "published", 1},
                         {brokerCount(c, &BrokerCounts::delivered), "delivered", 1},
                         {brokerCount(c, &BrokerCounts::acked), "acked", 1}},
                        c.orders) +
           "\n";
    if (!c.transactions) {
        out += "  database transactions unavailable: " + c.transactionsNote + "\n";
    }
    if (!c.statements) {
        out += "  database statements unavailable: " + c.statementsNote + "\n";
    }
    if (!c.broker) {
        out += "  broker figures unavailable: " + c.brokerNote + "\n";
    }
    return out;
}

std::string proxyCostText(const ProxyRun& run) {
    if (run.requests == 0) {
        return "no requests answered";
    }
    std::string out;
    for (const auto& g : run.cost) {
        if (!g.available) {
            continue;
        }
        const double requests = static_cast<double>(run.requests);
        out += (out.empty() ? "" : ", ") + g.name + " " + fixed(g.cpuMs * 1000.0 / requests, 0) +
               " us " + fixed(static_cast<double>(g.contextSwitches) / requests, 1) + " cs";
    }
    return out.empty() ? "no process metered" : out;
}

std::string timeseriesData(const std::vector<Bucket>& buckets) {
    std::string out = "# second accepted completed errors post_p50 post_p99 push_p50 push_p99\n";
    for (const auto& b : buckets) {
        const auto ms = [](const LatencySummary& s, double v) {
            return s.count > 0 ? fixed(v, 3) : std::string("NaN");
        };
        out += std::to_string(b.second) + " " + std::to_string(b.accepted) + " " +
               std::to_string(b.completed) + " " + std::to_string(b.errors) + " " +
               ms(b.post, b.post.p50) + " " + ms(b.post, b.post.p99) + " " +
               ms(b.push, b.push.p50) + " " + ms(b.push, b.push.p99) + "\n";
    }
    return out;
}

std::string gnuplotScript(const std::string& dataPath, const std::string& pngPath,
                          const std::string& title) {
    const auto quoted = [](const std::string& s) {
        std::string out = "'";
        for (char c : s) {
            out += c == '\'' ? std::string("''") : std::string(1, c);
        }
        return out + "'";
    };
    std::string s;
    s += "set terminal pngcairo size 1100,800 noenhanced\n";
    s += "set output " + quoted(pngPath) + "\n";
    s += "set datafile missing 'NaN'\n";
    s += "set multiplot layout 2,1 title " + quoted(title) + "\n";
    s += "set grid\nset key outside right\nset xlabel 'second of the run'\n";
    s += "set ylabel 'latency (ms)'\nset logscale y\n";
    s += "plot " + quoted(dataPath) +
         " using 1:5 with lines lw 2 title 'POST p50', '' using 1:6 with lines lw 2 title 'POST "
         "p99', '' using 1:7 with lines lw 2 title 'push p50', '' using 1:8 with lines lw 2 "
         "title 'push p99'\n";
    s += "unset logscale y\nset ylabel 'orders per second'\nset yrange [0:*]\n";
    s += "plot " + quoted(dataPath) +
         " using 1:2 with steps lw 2 title 'accepted', '' using 1:3 with steps lw 2 title "
         "'completed', '' using 1:4 with impulses lw 2 title 'errors'\n";
    s += "unset multiplot\n";
    return s;
}

std::string summaryLine(const Results& r) {
    return "bench: completed_per_s=" + fixed(r.completedPerS, 1) +
           " post_p99_ms=" + fixed(r.post.p99, 2) +
           " push_p99_ms=" + (r.pushAvailable ? fixed(r.push.p99, 2) : "unavailable") +
           " lost=" + std::to_string(r.lost) + " errors=" + std::to_string(r.errorCount());
}

}  // namespace shop::bench
