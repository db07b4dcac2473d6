#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shop::metrics::detail {

/// True for a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool isValidMetricName(std::string_view name);
/// True for a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__").
bool isValidLabelName(std::string_view name);

/// A sample value as Prometheus writes it: integers without a fraction, +Inf, -Inf, NaN,
/// otherwise the shortest text that reads back as the same double.
std::string formatValue(double value);

/// `# HELP` text: backslash and newline escaped.
std::string escapeHelp(std::string_view help);

/// `{a="1",b="2"}` with values escaped (backslash, double quote, newline); "" without labels.
/// `extraName`/`extraValue` add one more label at the end (the histogram's `le`).
std::string labelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     std::string_view extraName = {}, std::string_view extraValue = {});

}  // namespace shop::metrics::detail
