#pragma once
/// @file child_process.hpp
/// A child process for tests that run a real binary (check-config, the server with SIP): started
/// with posix_spawn, its stdout and stderr on one pipe, SIGKILLed and reaped if still running
/// when the object goes. Every wait is bounded (poll() on the pipe and on a pidfd), so a
/// silent or hung child fails the test instead of hanging it.

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace test_support {

class child_process {
public:
    /// Runs `argv[0]` with `argv`; with `with_input`, its stdin is a pipe fed by write_input()
    /// (else it inherits ours). @throws std::runtime_error when it cannot be started.
    explicit child_process(std::vector<std::string> argv, bool with_input = false)
    {
        if (argv.empty()) throw std::runtime_error("child_process: no program");
        int fds[2];
        if (::pipe(fds) != 0) throw std::runtime_error("pipe");
        int in[2] = {-1, -1};
        if (with_input && ::pipe(in) != 0) throw std::runtime_error("pipe");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
        posix_spawn_file_actions_addclose(&fa, fds[0]);
        if (with_input) {
            posix_spawn_file_actions_adddup2(&fa, in[0], 0);
            posix_spawn_file_actions_addclose(&fa, in[1]);
        }
        std::vector<char*> args;
        for (auto& a : argv)
            args.push_back(a.data());
        args.push_back(nullptr);
        int const rc = posix_spawn(&pid_, argv[0].c_str(), &fa, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        ::close(fds[1]);
        out_ = fds[0];
        if (with_input) {
            ::close(in[0]);
            in_ = in[1];
        }
        if (rc != 0) {
            ::close(out_);
            if (in_ >= 0) ::close(in_);
            throw std::runtime_error("spawn " + argv[0]);
        }
    }

    ~child_process()
    {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            int st = 0;
            ::waitpid(pid_, &st, 0);
        }
        if (out_ >= 0) ::close(out_);
        if (in_ >= 0) ::close(in_);
    }

    child_process(child_process const&) = delete;
    child_process& operator=(child_process const&) = delete;

    /// Reads output lines until one matches `pattern` (at most `timeout_ms`); the match refers
    /// to that line, valid until the next call.
    std::optional<std::smatch> wait_for_line(std::regex const& pattern, int timeout_ms = 15000)
    {
        for (int waited = 0; waited < timeout_ms;) {
            if (auto const nl = pending_.find('\n'); nl != std::string::npos) {
                line_ = pending_.substr(0, nl);
                pending_.erase(0, nl + 1);
                output_ += line_ + "\n";
                std::smatch m;
                if (std::regex_search(line_, m, pattern)) return m;
                continue;
            }
            pollfd p{out_, POLLIN, 0};
            waited += 100;
            if (::poll(&p, 1, 100) > 0 && !read_some()) return std::nullopt;
        }
        return std::nullopt;
    }

    /// The first capture group of the first line matching `pattern` (bounded), else nullopt.
    std::optional<std::string> capture(std::regex const& pattern, int timeout_ms = 15000)
    {
        auto m = wait_for_line(pattern, timeout_ms);
        if (!m) return std::nullopt;
        return (*m)[1].str();
    }

    /// Everything read so far plus what is left until EOF (at most `timeout_ms`).
    std::string drain(int timeout_ms = 10000)
    {
        for (int waited = 0; waited < timeout_ms; waited += 100) {
            pollfd p{out_, POLLIN, 0};
            if (::poll(&p, 1, 100) > 0 && !read_some()) break;
        }
        return output_ + pending_;
    }

    /// The lines read so far (for failure messages).
    [[nodiscard]] std::string const& output() const noexcept { return output_; }

    /// Exit status after at most `timeout_ms` (128 + signal when killed); nullopt if running.
    std::optional<int> wait_exit(int timeout_ms = 10000)
    {
        if (auto st = reap()) return st;
#ifdef SYS_pidfd_open
        // A pidfd becomes readable when the child exits: wait for that, no polling loop.
        if (int const fd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)); fd >= 0) {
            pollfd p{fd, POLLIN, 0};
            (void)::poll(&p, 1, timeout_ms);
            ::close(fd);
            return reap();
        }
#endif
        for (int waited = 0; waited <= timeout_ms; waited += 10) {
            if (auto st = reap()) return st;
            ::usleep(10'000); // kernels before 5.3 have no pidfd: poll waitpid
        }
        return std::nullopt;
    }

    /// Writes `text` to the child's stdin (constructed `with_input`); false if it could not.
    bool write_input(std::string const& text)
    {
        return in_ >= 0 &&
               ::write(in_, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    }

    void signal(int sig)
    {
        ::kill(pid_, sig);
    }

private:
    /// The exit status if the child has exited (reaping it once), else nullopt.
    std::optional<int> reap()
    {
        if (!exited_) {
            int st = 0;
            if (::waitpid(pid_, &st, WNOHANG) != pid_) return std::nullopt;
            exited_ = true;
            status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        return status_;
    }

    /// One read() into pending_; false at EOF or on error.
    bool read_some()
    {
        char buf[4096];
        auto const n = ::read(out_, buf, sizeof buf);
        if (n <= 0) return false;
        pending_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int out_ = -1;
    int in_ = -1; ///< the child's stdin (write end), when constructed with_input
    bool exited_ = false;
    int status_ = 0;      ///< valid when exited_
    std::string pending_; ///< read but not yet split into lines
    std::string line_;    ///< the last line wait_for_line() looked at
    std::string output_;  ///< every complete line read so far
};

} // namespace test_support
