#include "shop/metrics/registry.hpp"

#include <algorithm>
#include <stdexcept>

#include "text_format.hpp"

namespace shop::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : m_bounds(std::move(bounds)),
      m_buckets(std::make_unique<std::atomic<std::uint64_t>[]>(m_bounds.size() + 1)) {
    if (!std::is_sorted(m_bounds.begin(), m_bounds.end()) ||
        std::adjacent_find(m_bounds.begin(), m_bounds.end()) != m_bounds.end()) {
        throw std::invalid_argument("histogram bounds must be strictly increasing");
    }
}

void Histogram::observe(double value) noexcept {
    const auto bucket = static_cast<std::size_t>(
        std::lower_bound(m_bounds.begin(), m_bounds.end(), value) - m_bounds.begin());
    m_buckets[bucket].fetch_add(1, std::memory_order_relaxed);
    m_sum.fetch_add(value, std::memory_order_relaxed);
    m_count.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulativeCounts() const {
    std::vector<std::uint64_t> out(m_bounds.size() + 1);
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        running += m_buckets[i].load(std::memory_order_relaxed);
        out[i] = running;
    }
    return out;
}

std::vector<double> defaultLatencyBuckets() {
    return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

namespace {

template <typename Metric>
std::unique_ptr<Metric> makeMetric(const std::vector<double>&) {
    return std::make_unique<Metric>();
}

template <>
std::unique_ptr<Histogram> makeMetric<Histogram>(const std::vector<double>& bounds) {
    return std::make_unique<Histogram>(bounds);
}

std::string_view typeName(Type type) {
    switch (type) {
        case Type::Counter:
            return "counter";
        case Type::Gauge:
            return "gauge";
        case Type::Histogram:
            return "histogram";
    }
    return "untyped";
}

}  // namespace

template <typename Metric>
Metric& Family<Metric>::with(const std::vector<std::string>& labelValues) {
    if (labelValues.size() != m_labelNames.size()) {
        throw std::invalid_argument("expected " + std::to_string(m_labelNames.size()) +
                                    " label values, got " + std::to_string(labelValues.size()));
    }
    std::lock_guard lock(m_mutex);
    auto& slot = m_series[labelValues];
    if (!slot) {
        slot = makeMetric<Metric>(m_bounds);
    }
    return *slot;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct Registry::Entry {
    std::string name;
    std::string help;
    Type type = Type::Counter;
    std::vector<std::string> labelNames;
    std::unique_ptr<Family<Counter>> counters;
    std::unique_ptr<Family<Gauge>> gauges;
    std::unique_ptr<Family<Histogram>> histograms;
    std::function<std::vector<Sample>()> collect;

    void renderTo(std::string& out) const;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Entry& Registry::add(std::string name, std::string help, Type type,
                               std::vector<std::string> labels) {
    if (!detail::isValidMetricName(name)) {
        throw std::invalid_argument("invalid metric name '" + name + "'");
    }
    for (const auto& label : labels) {
        if (!detail::isValidLabelName(label) || (type == Type::Histogram && label == "le")) {
            throw std::invalid_argument("invalid label name '" + label + "' for " + name);
        }
    }
    std::lock_guard lock(m_mutex);
    for (const auto& entry : m_entries) {
        if (entry->name == name) {
            throw std::invalid_argument("metric '" + name + "' is already registered");
        }
    }
    auto entry = std::make_unique<Entry>();
    entry->name = std::move(name);
    entry->help = std::move(help);
    entry->type = type;
    entry->labelNames = std::move(labels);
    m_entries.push_back(std::move(entry));
    return *m_entries.back();
}

Family<Counter>& Registry::counter(std::string name, std::string help,
                                   std::vector<std::string> labelNames) {
    Entry& entry = add(std::move(name), std::move(help), Type::Counter, labelNames);
    entry.counters.reset(new Family<Counter>(std::move(labelNames), {}));
    return *entry.counters;
}

Family<Gauge>& Registry::gauge(std::string name, std::string help,
                               std::vector<std::string> labelNames) {
    Entry& entry = add(std::move(name), std::move(help), Type::Gauge, labelNames);
    entry.gauges.reset(new Family<Gauge>(std::move(labelNames), {}));
    return *entry.gauges;
}

Family<Histogram>& Registry::histogram(std::string name, std::string help,
                                       std::vector<std::string> labelNames,
                                       std::vector<double> bounds) {
    Histogram check(bounds);  // validates the bounds before anything is registered
    Entry& entry = add(std::move(name), std::move(help), Type::Histogram, labelNames);
    entry.histograms.reset(new Family<Histogram>(std::move(labelNames), std::move(bounds)));
    return *entry.histograms;
}

void Registry::callback(std::string name, std::string help, Type type,
                        std::vector<std::string> labelNames,
                        std::function<std::vector<Sample>()> collect) {
    if (type == Type::Histogram) {
        throw std::invalid_argument("callback metrics are counters or gauges");
    }
    Entry& entry = add(std::move(name), std::move(help), type, std::move(labelNames));
    entry.collect = std::move(collect);
}

void Registry::callback(std::string name, std::string help, Type type,
                        std::function<double()> read) {
    callback(std::move(name), std::move(help), type, {}, [read = std::move(read)] {
        return std::vector<Sample>{{{}, read()}};
    });
}

void Registry::onScrape(std::function<void()> refresh) {
    std::lock_guard lock(m_mutex);
    m_refreshers.push_back(std::move(refresh));
}

void Registry::Entry::renderTo(std::string& out) const {
    out.append("# HELP ").append(name).push_back(' ');
    out.append(detail::escapeHelp(help)).push_back('\n');
    out.append("# TYPE ").append(name).push_back(' ');
    out.append(typeName(type)).push_back('\n');
    auto line = [&out](std::string_view metric, const std::string& labels, double value) {
        out.append(metric).append(labels).push_back(' ');
        out.append(detail::formatValue(value)).push_back('\n');
    };
    if (counters) {
        std::lock_guard lock(counters->m_mutex);
        for (const auto& [values, counter] : counters->m_series) {
            line(name, detail::labelSet(labelNames, values), static_cast<double>(counter->value()));
        }
    } else if (gauges) {
        std::lock_guard lock(gauges->m_mutex);
        for (const auto& [values, gauge] : gauges->m_series) {
            line(name, detail::labelSet(labelNames, values), gauge->value());
        }
    } else if (histograms) {
        std::lock_guard lock(histograms->m_mutex);
        for (const auto& [values, histogram] : histograms->m_series) {
            const auto counts = histogram->cumulativeCounts();
            const auto& bounds = histogram->bounds();
            for (std::size_t i = 0; i < counts.size(); ++i) {
                const std::string le = i < bounds.size() ? detail::formatValue(bounds[i]) : "+Inf";
                line(name + "_bucket", detail::labelSet(labelNames, values, "le", le),
                     static_cast<double>(counts[i]));
            }
            line(name + "_sum", detail::labelSet(labelNames, values), histogram->sum());
            line(name + "_count", detail::labelSet(labelNames, values),
                 static_cast<double>(counts.back()));
        }
    } else if (collect) {
        for (const auto& sample : collect()) {
            line(name, detail::labelSet(labelNames, sample.labelValues), sample.value);
        }
    }
}

std::string Registry::render() const {
    std::vector<std::function<void()>> refreshers;
    {
        std::lock_guard lock(m_mutex);
        refreshers = m_refreshers;
    }
    for (const auto& refresh : refreshers) {
        try {
            refresh();
        } catch (...) {
            // A failed refresh leaves the previous values; the scrape still answers.
        }
    }
    std::string out;
    std::lock_guard lock(m_mutex);
    for (const auto& entry : m_entries) {
        entry->renderTo(out);
    }
    return out;
}

}  // namespace shop::metrics
