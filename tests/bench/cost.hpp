#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shop::bench {

/// The fields of one /proc/<pid>/stat line this tool uses; times are in clock ticks.
struct ProcStat {
    int pid = 0;
    std::string comm;
    char state = '?';
    int ppid = 0;
    std::int64_t utime = 0;
    std::int64_t stime = 0;
    std::int64_t cutime = 0;  ///< of children this process has waited for
    std::int64_t cstime = 0;
    std::int64_t threads = 0;
};

/// Parses one /proc/<pid>/stat line. The command name may hold spaces and parentheses: it runs
/// from the first '(' to the last ')'. nullopt when the line is malformed.
std::optional<ProcStat> parseProcStat(std::string_view line);

/// voluntary_ctxt_switches + nonvoluntary_ctxt_switches of a /proc/.../status text; nullopt
/// when neither line is there.
std::optional<std::int64_t> parseContextSwitches(std::string_view status);

/// Every process of `proc` (normally /proc) whose stat file could be read; processes that exit
/// while it is read are left out.
std::vector<ProcStat> readProcessTable(const std::filesystem::path& proc = "/proc");

/// The pids of `root` and all its descendants (by ppid) in `table`; empty when `root` is not in
/// it.
std::vector<int> processTree(const std::vector<ProcStat>& table, int root);

/// CPU time of the processes `tree` of `table` in ticks: utime+stime+cutime+cstime of each.
/// The root's cutime/cstime hold the time of the children it reaped, so a child that exits
/// between two readings moves from the live sum into the root's and is still counted.
std::int64_t treeCpuTicks(const std::vector<ProcStat>& table, const std::vector<int>& tree);

/// Context switches by thread id, as a process group's threads report them.
using ThreadSwitches = std::map<int, std::int64_t>;

/// Context switches from `before` to `after`: the growth of threads in both, and all of those
/// that started in between. Threads that exited in between take their counts with them (the
/// kernel keeps no per-process total of dead threads in /proc), so this can only undercount.
std::int64_t switchesBetween(const ThreadSwitches& before, const ThreadSwitches& after);

/// `total / orders`; nullopt without orders.
std::optional<double> perOrder(double total, std::size_t orders);

/// A process group to meter: a root pid and its descendants.
struct ProcessGroup {
    std::string name;
    int root = 0;       ///< 0: not found, see `note`
    std::string note;   ///< why the group is not metered
    bool self = false;  ///< this process: its context switches come from getrusage
};

/// The first line of a pid file as a positive pid; nullopt when unreadable.
std::optional<int> readPidFile(const std::filesystem::path& file);

/// The group `name` rooted at the pid in `file`; root 0 and a note when `file` is empty ("no
/// `option`") or holds no pid.
ProcessGroup pidFileGroup(const std::string& name, const std::filesystem::path& file,
                          const std::string& option);

/// The groups of the cost report: postgresql (postmaster pid file), rabbitmq (Erlang VM pid
/// file), one per `<pidDir>/<name>.pid` in name order, and this process as `bench`. A group
/// whose file is missing or unreadable gets root 0 and a note; empty paths are "not given".
std::vector<ProcessGroup> processGroups(const std::filesystem::path& pgPidFile,
                                        const std::filesystem::path& rabbitmqPidFile,
                                        const std::filesystem::path& pidDir);

/// One reading of a process group.
struct GroupSample {
    bool alive = false;  ///< the root was running
    std::int64_t cpuTicks = 0;
    ThreadSwitches switches;
    std::int64_t threads = 0;
};

/// What one process group cost over the metered window.
struct GroupCost {
    std::string name;
    bool available = false;
    std::string note;  ///< why not available
    double cpuMs = 0;
    std::int64_t contextSwitches = 0;
    std::int64_t threads = 0;  ///< at the end of the window
};

/// The cost of `before`..`after` of group `name`; `ticksPerSecond` from sysconf(_SC_CLK_TCK).
GroupCost costBetween(const std::string& name, const GroupSample& before, const GroupSample& after,
                      long ticksPerSecond);

/// The sum of the available groups, named "total".
GroupCost totalCost(const std::vector<GroupCost>& groups);

/// Reads the CPU time, context switches and threads of process groups from /proc at the start
/// and at the end of a window. Never throws for processes that come and go.
class CostMeter final {
  public:
    explicit CostMeter(std::vector<ProcessGroup> groups);
    /// Takes the first reading.
    void start();
    /// Takes the second reading.
    void finish();
    /// One entry per group, in the order given, then "total".
    std::vector<GroupCost> costs() const;

  private:
    std::vector<GroupSample> sample() const;

    std::vector<ProcessGroup> m_groups;
    std::vector<GroupSample> m_before;
    std::vector<GroupSample> m_after;
};

/// Cumulative counters of the broker (RabbitMQ management API, /api/overview message_stats).
struct BrokerCounts {
    std::int64_t published = 0;
    std::int64_t delivered = 0;  ///< deliver_get: deliveries and basic.get, with or without ack
    std::int64_t acked = 0;
};

/// Cumulative counters of the databases `orders` and `payments`; nullopt when not available.
struct DbCounts {
    std::optional<std::int64_t> transactions;  ///< xact_commit + xact_rollback
    std::optional<std::int64_t> statements;    ///< pg_stat_statements calls
};

/// Everything the cost report shows, before the division by `orders`.
struct CostReport {
    std::size_t orders = 0;         ///< completed orders (FINISHED or CANCELLED)
    std::vector<GroupCost> groups;  ///< the last one is "total"
    std::optional<std::int64_t> transactions;
    std::string transactionsNote;
    std::optional<std::int64_t> statements;
    std::string statementsNote;
    std::optional<BrokerCounts> broker;
    std::string brokerNote;
};

}  // namespace shop::bench
