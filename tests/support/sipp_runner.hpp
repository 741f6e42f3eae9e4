#pragma once
/// @file sipp_runner.hpp
/// Runs one sipp scenario from tests/sipp/ against 127.0.0.1:<port> and reports its exit status
/// and log. sipp bounds itself (-timeout, -m), so a test never waits more than that.

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace sip_test {

/// Whether sipp was found at configure time.
inline bool have_sipp()
{
    std::string const path = FLOORCTL_SIPP;
    return !path.empty() && std::filesystem::exists(path);
}

/// Outcome of one sipp run.
struct sipp_result {
    int exit_code = -1; ///< 0: every call succeeded (sipp's own verdict)
    std::string log;    ///< sipp's stderr/stdout and error log, for the failure message
};

/// Runs `scenario` (a file name in tests/sipp/) with -s `service`, -m `calls`.
/// `transport`: "u1" (UDP) or "t1" (TCP). `extra`: more sipp arguments.
inline sipp_result run_sipp(std::string const& scenario, std::string const& service,
                            std::uint16_t port, std::string const& transport = "u1", int calls = 1,
                            std::string const& extra = {})
{
    static std::atomic<int> counter{0}; // tests may run sipp from several threads
    auto const dir =
        std::filesystem::temp_directory_path() /
        ("floorctl-sipp-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(dir);
    auto const out = dir / "out.log";
    auto const err = dir / "errors.log";
    std::ostringstream cmd;
    cmd << "cd " << dir << " && " << FLOORCTL_SIPP << " -sf " << FLOORCTL_SIPP_DIR << "/"
        << scenario << " -s " << service << " -m " << calls << " -l " << calls << " -t "
        << transport << " -i 127.0.0.1 -nostdin -timeout 20s -timeout_error -trace_err"
        << " -error_file " << err << " " << extra << " 127.0.0.1:" << port << " > " << out
        << " 2>&1";
    int const status = std::system(cmd.str().c_str());
    sipp_result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    for (auto const& f : {out, err}) {
        std::ifstream in(f);
        std::stringstream ss;
        ss << in.rdbuf();
        std::string text = ss.str();
        if (text.size() > 6000) text = text.substr(text.size() - 6000);
        r.log += "---- " + f.filename().string() + "\n" + text;
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return r;
}

} // namespace sip_test
