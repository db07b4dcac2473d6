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
