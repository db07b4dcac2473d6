#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace shop::e2e {

/// A free TCP port on 127.0.0.1: binds port 0, reads the port the kernel chose and closes the
/// socket. Throws std::runtime_error when no socket can be bound.
std::uint16_t freePort();

/// The last `lines` lines of the file at `path`, from byte `from` on ("" when unreadable).
std::string fileTail(const std::string& path, std::size_t lines, std::size_t from = 0);
/// The size of the file at `path` in bytes (0 when missing).
std::size_t fileSize(const std::string& path);
/// The whole file ("" when unreadable).
std::string fileText(const std::string& path);

/// How a child process ended.
struct ExitStatus {
    bool exited = false;  ///< ended by exit() (code valid)
    int code = -1;        ///< exit code when `exited`
    int signal = 0;       ///< the signal that ended it otherwise
    bool killed = false;  ///< we had to send SIGKILL because SIGTERM was not enough
    std::string describe() const;
};

/// One real service binary run as a child of the test program, with stdout and stderr appended
/// to a log file. The child gets SIGKILL if the test program dies (PR_SET_PDEATHSIG), so a
/// crashed test run leaves no services behind. Not copyable; stops the child when destroyed.
class ChildProcess final {
  public:
    /// Starts `binary` with the test program's environment minus every SHOP_* variable, plus
    /// `env`. Throws std::runtime_error when the process cannot be started.
    ChildProcess(std::string name, const std::string& binary,
                 const std::map<std::string, std::string>& env, std::string logPath);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    const std::string& name() const { return m_name; }
    const std::string& logPath() const { return m_logPath; }
    pid_t pid() const { return m_pid; }

    /// True while the process has not exited (reaps it when it has).
    bool running();

    /// SIGTERM, then waits up to `grace` for it to exit; SIGKILL if it does not. Idempotent:
    /// returns the first stop's status again.
    ExitStatus stop(std::chrono::milliseconds grace = std::chrono::seconds(15));

    /// The whole log so far.
    std::string logText() const { return fileText(m_logPath); }

  private:
    std::string m_name;
    std::string m_logPath;
    pid_t m_pid = -1;
    std::optional<ExitStatus> m_status;
};

}  // namespace shop::e2e
