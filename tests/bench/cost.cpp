#include "cost.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <system_error>

namespace shop::bench {
namespace {

std::optional<std::int64_t> toInt(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end) {
        return std::nullopt;
    }
    return value;
}

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// The whitespace-separated fields of `text`.
std::vector<std::string_view> fields(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && isSpace(text[i])) {
            ++i;
        }
        const std::size_t begin = i;
        while (i < text.size() && !isSpace(text[i])) {
            ++i;
        }
        if (i > begin) {
            out.push_back(text.substr(begin, i - begin));
        }
    }
    return out;
}

/// The first field of `text` as an integer.
std::optional<std::int64_t> firstInt(std::string_view text) {
    const auto all = fields(text);
    return all.empty() ? std::nullopt : toInt(all[0]);
}

std::string readFile(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    return all.str();
}

/// Context switches of every thread of `pid`, added to `out`.
void readThreadSwitches(int pid, ThreadSwitches& out) {
    std::error_code ec;
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    for (const auto& entry : std::filesystem::directory_iterator(tasks, ec)) {
        const auto tid = toInt(entry.path().filename().string());
        const auto switches = parseContextSwitches(readFile(entry.path() / "status"));
        if (tid && switches) {
            out[static_cast<int>(*tid)] = *switches;
        }
    }
}

/// Context switches of this process, dead threads included (the kernel sums them for
/// getrusage), under the pseudo thread id 0.
ThreadSwitches selfSwitches() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return ThreadSwitches{{0, static_cast<std::int64_t>(usage.ru_nvcsw + usage.ru_nivcsw)}};
}

GroupSample sampleGroup(const std::vector<ProcStat>& table, const ProcessGroup& group) {
    GroupSample s;
    const auto tree = processTree(table, group.root);
    if (tree.empty()) {
        return s;
    }
    s.alive = true;
    s.cpuTicks = treeCpuTicks(table, tree);
    for (const auto& p : table) {
        if (std::find(tree.begin(), tree.end(), p.pid) != tree.end()) {
            s.threads += p.threads;
        }
    }
    if (group.self) {
        s.switches = selfSwitches();
    } else {
        for (const int pid : tree) {
            readThreadSwitches(pid, s.switches);
        }
    }
    return s;
}

}  // namespace

std::optional<ProcStat> parseProcStat(std::string_view line) {
    const auto open = line.find('(');
    const auto close = line.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
        return std::nullopt;
    }
    const auto pid = firstInt(line.substr(0, open));
    // After the name: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17) ...
    // num_threads(20), numbered as in proc(5); rest[0] is field 3.
    const auto rest = fields(line.substr(close + 1));
    if (!pid || rest.size() < 18 || rest[0].size() != 1) {
        return std::nullopt;
    }
    const auto at = [&](std::size_t field) { return toInt(rest[field - 3]); };
    const auto ppid = at(4);
    const auto utime = at(14);
    const auto stime = at(15);
    const auto cutime = at(16);
    const auto cstime = at(17);
    const auto threads = at(20);
    if (!ppid || !utime || !stime || !cutime || !cstime || !threads) {
        return std::nullopt;
    }
    ProcStat s;
    s.pid = static_cast<int>(*pid);
    s.comm = std::string(line.substr(open + 1, close - open - 1));
    s.state = rest[0][0];
    s.ppid = static_cast<int>(*ppid);
    s.utime = *utime;
    s.stime = *stime;
    s.cutime = *cutime;
    s.cstime = *cstime;
    s.threads = *threads;
    return s;
}

std::optional<std::int64_t> parseContextSwitches(std::string_view status) {
    std::optional<std::int64_t> total;
    std::istringstream in{std::string(status)};
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        const auto key = std::string_view(line).substr(0, colon);
        if (colon == std::string::npos ||
            (key != "voluntary_ctxt_switches" && key != "nonvoluntary_ctxt_switches")) {
            continue;
        }
        const auto value = fields(std::string_view(line).substr(colon + 1));
        if (const auto n = value.size() == 1 ? toInt(value[0]) : std::nullopt) {
            total = total.value_or(0) + *n;
        }
    }
    return total;
}

std::vector<ProcStat> readProcessTable(const std::filesystem::path& proc) {
    std::vector<ProcStat> table;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(proc, ec)) {
        if (!toInt(entry.path().filename().string())) {
            continue;
        }
        if (auto stat = parseProcStat(readFile(entry.path() / "stat"))) {
            table.push_back(std::move(*stat));
        }
    }
    return table;
}

std::vector<int> processTree(const std::vector<ProcStat>& table, int root) {
    std::vector<int> tree;
    if (root <= 0 || std::none_of(table.begin(), table.end(),
                                  [&](const ProcStat& p) { return p.pid == root; })) {
        return tree;
    }
    tree.push_back(root);
    // Breadth first; `tree` grows while it is walked.
    for (std::size_t i = 0; i < tree.size(); ++i) {
        for (const auto& p : table) {
            if (p.ppid == tree[i] && p.pid != tree[i]) {
                tree.push_back(p.pid);
            }
        }
    }
    return tree;
}

std::int64_t treeCpuTicks(const std::vector<ProcStat>& table, const std::vector<int>& tree) {
    std::int64_t ticks = 0;
    for (const auto& p : table) {
        if (std::find(tree.begin(), tree.end(), p.pid) != tree.end()) {
            // cutime/cstime of descendants too: a grandchild reaped by a child is in the
            // child's, and moves into the root's when the child is reaped in turn.
            ticks += p.utime + p.stime + p.cutime + p.cstime;
        }
    }
    return ticks;
}

std::int64_t switchesBetween(const ThreadSwitches& before, const ThreadSwitches& after) {
    std::int64_t total = 0;
    for (const auto& [tid, count] : after) {
        const auto it = before.find(tid);
        total += it == before.end() ? count : std::max<std::int64_t>(0, count - it->second);
    }
    return total;
}

std::optional<double> perOrder(double total, std::size_t orders) {
    if (orders == 0) {
        return std::nullopt;
    }
    return total / static_cast<double>(orders);
}

std::optional<int> readPidFile(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line)) {
        return std::nullopt;
    }
    const auto pid = firstInt(line);
    if (!pid || *pid <= 0) {
        return std::nullopt;
    }
    return static_cast<int>(*pid);
}

ProcessGroup pidFileGroup(const std::string& name, const std::filesystem::path& file,
                          const std::string& option) {
    ProcessGroup g{name, 0, "", false};
    if (file.empty()) {
        g.note = "no " + option;
    } else if (const auto pid = readPidFile(file)) {
        g.root = *pid;
    } else {
        g.note = "cannot read a pid from " + file.string();
    }
    return g;
}

std::vector<ProcessGroup> processGroups(const std::filesystem::path& pgPidFile,
                                        const std::filesystem::path& rabbitmqPidFile,
                                        const std::filesystem::path& pidDir) {
    std::vector<ProcessGroup> groups;
    groups.push_back(pidFileGroup("postgresql", pgPidFile, "--pg-pid-file"));
    groups.push_back(pidFileGroup("rabbitmq", rabbitmqPidFile, "--rabbitmq-pid-file"));
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    if (!pidDir.empty()) {
        for (const auto& entry : std::filesystem::directory_iterator(pidDir, ec)) {
            if (entry.path().extension() == ".pid") {
                files.push_back(entry.path());
            }
        }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        groups.push_back(pidFileGroup(file.stem().string(), file, "--pid-dir"));
    }
    groups.push_back(ProcessGroup{"bench", static_cast<int>(getpid()), "", true});
    return groups;
}

GroupCost costBetween(const std::string& name, const GroupSample& before, const GroupSample& after,
                      long ticksPerSecond) {
    GroupCost c;
    c.name = name;
    if (!before.alive || !after.alive) {
        c.note = before.alive ? "exited during the run" : "not running";
        return c;
    }
    c.available = true;
    c.cpuMs = static_cast<double>(after.cpuTicks - before.cpuTicks) * 1000.0 /
              static_cast<double>(ticksPerSecond);
    c.contextSwitches = switchesBetween(before.switches, after.switches);
    c.threads = after.threads;
    return c;
}

GroupCost totalCost(const std::vector<GroupCost>& groups) {
    GroupCost total;
    total.name = "total";
    for (const auto& g : groups) {
        if (!g.available) {
            continue;
        }
        total.available = true;
        total.cpuMs += g.cpuMs;
        total.contextSwitches += g.contextSwitches;
        total.threads += g.threads;
    }
    return total;
}

CostMeter::CostMeter(std::vector<ProcessGroup> groups) : m_groups(std::move(groups)) {}

void CostMeter::start() {
    m_before = sample();
}

void CostMeter::finish() {
    m_after = sample();
}

std::vector<GroupCost> CostMeter::costs() const {
    const long ticks = sysconf(_SC_CLK_TCK);
    std::vector<GroupCost> out;
    for (std::size_t i = 0; i < m_groups.size(); ++i) {
        const auto& g = m_groups[i];
        if (g.root == 0 || i >= m_before.size() || i >= m_after.size()) {
            out.push_back(GroupCost{g.name, false, g.root == 0 ? g.note : "not measured", 0, 0, 0});
            continue;
        }
        out.push_back(costBetween(g.name, m_before[i], m_after[i], ticks > 0 ? ticks : 100));
    }
    out.push_back(totalCost(out));
    return out;
}

std::vector<GroupSample> CostMeter::sample() const {
    const auto table = readProcessTable();
    std::vector<GroupSample> samples;
    for (const auto& g : m_groups) {
        samples.push_back(sampleGroup(table, g));
    }
    return samples;
}

}  // namespace shop::bench
