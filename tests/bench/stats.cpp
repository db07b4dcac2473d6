#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace shop::bench {

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) {
        return 0;
    }
    if (p <= 0) {
        return sorted.front();
    }
    const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
    const auto index = static_cast<std::size_t>(std::max(rank, 1.0)) - 1;
    return sorted[std::min(index, sorted.size() - 1)];
}

LatencySummary summarize(std::vector<double> valuesMs) {
    LatencySummary out;
    if (valuesMs.empty()) {
        return out;
    }
    std::sort(valuesMs.begin(), valuesMs.end());
    out.count = valuesMs.size();
    out.p50 = percentile(valuesMs, 50);
    out.p90 = percentile(valuesMs, 90);
    out.p99 = percentile(valuesMs, 99);
    out.max = valuesMs.back();
    out.mean = std::accumulate(valuesMs.begin(), valuesMs.end(), 0.0) /
               static_cast<double>(valuesMs.size());
    return out;
}

OpenLoopSchedule::OpenLoopSchedule(double ratePerSecond, double durationSeconds)
    : m_rate(ratePerSecond), m_count(0) {
    if (!(ratePerSecond > 0) || !(durationSeconds > 0)) {
        throw std::invalid_argument("rate and duration must be positive");
    }
    m_count = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::floor(ratePerSecond * durationSeconds + 1e-9)));
}

std::chrono::nanoseconds OpenLoopSchedule::offsetOf(std::size_t index) const {
    return std::chrono::nanoseconds(
        static_cast<std::int64_t>(std::llround(static_cast<double>(index) * 1e9 / m_rate)));
}

std::optional<Endpoint> parseHttpUrl(std::string_view url) {
    std::string_view rest;
    if (url.starts_with("http://")) {
        rest = url.substr(7);
    } else if (url.starts_with("ws://")) {
        rest = url.substr(5);
    } else {
        return std::nullopt;
    }
    if (rest.ends_with('/')) {
        rest.remove_suffix(1);
    }
    if (rest.empty() || rest.find('/') != std::string_view::npos) {
        return std::nullopt;
    }
    Endpoint out;
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
        out.host = std::string(rest);
        return out;
    }
    out.host = std::string(rest.substr(0, colon));
    const auto portText = rest.substr(colon + 1);
    if (out.host.empty() || portText.empty() || portText.size() > 5) {
        return std::nullopt;
    }
    unsigned port = 0;
    for (char c : portText) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        port = port * 10 + static_cast<unsigned>(c - '0');
    }
    if (port == 0 || port > 65535) {
        return std::nullopt;
    }
    out.port = static_cast<std::uint16_t>(port);
    return out;
}

std::optional<std::int64_t> parseCents(std::string_view text) {
    const auto dot = text.find('.');
    const auto whole = text.substr(0, dot);
    const auto fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if (whole.empty() || whole.size() > 15 || fraction.size() > 2 ||
        (dot != std::string_view::npos && fraction.empty())) {
        return std::nullopt;
    }
    std::int64_t cents = 0;
    for (char c : whole) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        cents = cents * 10 + (c - '0');
    }
    std::int64_t frac = 0;
    for (std::size_t i = 0; i < 2; ++i) {
        frac *= 10;
        if (i < fraction.size()) {
            const char c = fraction[i];
            if (c < '0' || c > '9') {
                return std::nullopt;
            }
            frac += c - '0';
        }
    }
    return cents * 100 + frac;
}

std::string formatCents(std::int64_t cents) {
    const bool negative = cents < 0;
    const std::int64_t magnitude = negative ? -cents : cents;
    std::string frac = std::to_string(magnitude % 100);
    if (frac.size() < 2) {
        frac.insert(0, "0");
    }
    return (negative ? "-" : "") + std::to_string(magnitude / 100) + "." + frac;
}

std::vector<Bucket> bucketize(const std::vector<Sample>& samples) {
    constexpr std::int64_t kSecond = 1'000'000'000;
    std::int64_t last = 0;
    for (const auto& s : samples) {
        last = std::max({last, s.dueNs, s.completedNs});
    }
    const auto count = samples.empty() ? 0 : static_cast<std::size_t>(last / kSecond) + 1;
    std::vector<Bucket> buckets(count);
    std::vector<std::vector<double>> post(count);
    std::vector<std::vector<double>> push(count);
    for (std::size_t i = 0; i < count; ++i) {
        buckets[i].second = i;
    }
    for (const auto& s : samples) {
        const auto due = static_cast<std::size_t>(std::max<std::int64_t>(s.dueNs, 0) / kSecond);
        if (s.failed) {
            ++buckets[due].errors;
        }
        if (s.accepted) {
            ++buckets[due].accepted;
            post[due].push_back(static_cast<double>(s.answeredNs - s.dueNs) / 1e6);
        }
        if (s.completedNs >= 0) {
            ++buckets[static_cast<std::size_t>(s.completedNs / kSecond)].completed;
            if (s.pushed) {
                push[due].push_back(static_cast<double>(s.completedNs - s.dueNs) / 1e6);
            }
        }
    }
    for (std::size_t i = 0; i < count; ++i) {
        buckets[i].post = summarize(std::move(post[i]));
        buckets[i].push = summarize(std::move(push[i]));
    }
    return buckets;
}

}  // namespace shop::bench
