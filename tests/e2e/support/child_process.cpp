#include "support/child_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "shop/testing/env.hpp"

extern char** environ;

namespace shop::e2e {
namespace {

std::runtime_error systemError(const std::string& what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

ExitStatus statusOf(int raw) {
    ExitStatus status;
    if (WIFEXITED(raw)) {
        status.exited = true;
        status.code = WEXITSTATUS(raw);
    } else if (WIFSIGNALED(raw)) {
        status.signal = WTERMSIG(raw);
    }
    return status;
}

}  // namespace

std::size_t fileSize(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return 0;
    }
    return static_cast<std::size_t>(info.st_size);
}

std::string fileText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string fileTail(const std::string& path, std::size_t lines, std::size_t from) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(from));
    std::deque<std::string> last;
    std::string line;
    while (std::getline(in, line)) {
        last.push_back(std::move(line));
        if (last.size() > lines) {
            last.pop_front();
        }
    }
    std::string out;
    for (const auto& kept : last) {
        out += kept;
        out += '\n';
    }
    return out;
}

std::string ExitStatus::describe() const {
    std::string text =
        exited ? "exit code " + std::to_string(code) : "killed by signal " + std::to_string(signal);
    if (killed) {
        text += " (did not stop on SIGTERM, sent SIGKILL)";
    }
    return text;
}

std::uint16_t freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw systemError("socket");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        const auto error = systemError("bind 127.0.0.1:0");
        ::close(fd);
        throw error;
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

ChildProcess::ChildProcess(std::string name, const std::string& binary,
                           const std::map<std::string, std::string>& env, std::string logPath)
    : m_name(std::move(name)), m_logPath(std::move(logPath)) {
    // Everything the child needs is prepared before fork(): between fork and exec only
    // async-signal-safe calls are allowed (the test program has threads).
    std::vector<std::string> envStrings;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        if (std::strncmp(*entry, "SHOP_", 5) != 0) {
            envStrings.emplace_back(*entry);
        }
    }
    for (const auto& [key, value] : env) {
        envStrings.push_back(key + "=" + value);
    }
    std::vector<char*> envp;
    for (auto& entry : envStrings) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);
    std::string program = binary;
    std::vector<char*> argv{program.data(), nullptr};

    const int logFd =
        ::open(m_logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (logFd < 0) {
        throw systemError("open " + m_logPath);
    }
    const int nullFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (nullFd < 0) {
        const auto error = systemError("open /dev/null");
        ::close(logFd);
        throw error;
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const auto error = systemError("fork");
        ::close(logFd);
        ::close(nullFd);
        throw error;
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(126);
        }
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::dup2(nullFd, STDIN_FILENO);
        ::dup2(logFd, STDOUT_FILENO);
        ::dup2(logFd, STDERR_FILENO);
        ::execve(program.c_str(), argv.data(), envp.data());
        static const char kMessage[] = "e2e: execve failed\n";
        [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
        ::_exit(127);
    }
    ::close(logFd);
    ::close(nullFd);
    m_pid = pid;
}

ChildProcess::~ChildProcess() {
    stop(std::chrono::seconds(5));
}

bool ChildProcess::running() {
    if (m_status) {
        return false;
    }
    int raw = 0;
    const pid_t done = ::waitpid(m_pid, &raw, WNOHANG);
    if (done == m_pid) {
        m_status = statusOf(raw);
        return false;
    }
    if (done < 0) {
        m_status = ExitStatus{};  // not our child any more: nothing left to wait for
        return false;
    }
    return true;
}

ExitStatus ChildProcess::stop(std::chrono::milliseconds grace) {
    if (m_status || m_pid <= 0) {
        return m_status.value_or(ExitStatus{});
    }
    ::kill(m_pid, SIGTERM);
    if (testing::waitUntil([this] { return !running(); }, grace)) {
        return *m_status;
    }
    ::kill(m_pid, SIGKILL);
    int raw = 0;
    ::waitpid(m_pid, &raw, 0);
    m_status = statusOf(raw);
    m_status->killed = true;
    return *m_status;
}

}  // namespace shop::e2e
