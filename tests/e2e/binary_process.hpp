#pragma once
// The real floorctl binary (FLOORCTL_BINARY) for the end-to-end tests that start it: run with
// arguments, or with a configuration text in a temporary file. Every wait is bounded
// (test_support::child_process).

#include "support/child_process.hpp"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace e2e {

/// `text` written to a temporary file named after `name` and this process; returns its path.
inline std::string write_temp(std::string const& name, std::string const& text)
{
    auto const path = std::filesystem::temp_directory_path() /
                      (name + "-" + std::to_string(::getpid()) + ".conf");
    std::ofstream(path) << text;
    return path.string();
}

/// The floorctl binary run with `args`; killed (SIGKILL) if still running at the end.
class process : public test_support::child_process {
public:
    explicit process(std::vector<std::string> args) : child_process(with_binary(std::move(args))) {}

private:
    static std::vector<std::string> with_binary(std::vector<std::string> args)
    {
        args.insert(args.begin(), FLOORCTL_BINARY);
        return args;
    }
};

/// The binary started with the configuration `text` (a temporary file named after `name`,
/// removed at the end).
class configured_binary {
public:
    configured_binary(std::string const& name, std::string const& text)
        : path_(write_temp(name, text)), process_({"--config", path_})
    {
    }
    ~configured_binary() { std::filesystem::remove(path_); }
    configured_binary(configured_binary const&) = delete;
    configured_binary& operator=(configured_binary const&) = delete;

    process& proc() { return process_; }
    process const& proc() const { return process_; }

    /// The port in the first group of the next output line matching `line` (bounded); 0 when
    /// no such line came.
    std::uint16_t port_in(std::regex const& line)
    {
        auto const port = process_.capture(line);
        return port ? static_cast<std::uint16_t>(std::stoi(*port)) : std::uint16_t{0};
    }

private:
    std::string path_;
    process process_;
};

} // namespace e2e
