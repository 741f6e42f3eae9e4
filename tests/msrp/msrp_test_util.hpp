#pragma once
// Helpers shared by the MSRP tests: parse that must succeed, and the error code of one that must
// fail.

#include <msrp/parse.hpp>

#include <gtest/gtest.h>

#include <string_view>

namespace msrp_test {

inline msrp::message parsed(std::string_view chunk)
{
    auto r = msrp::parse(chunk);
    EXPECT_TRUE(r) << (r ? "" : r.error().message) << "\n" << chunk;
    return r ? *r : msrp::message{};
}

inline msrp::error parse_error_of(std::string_view chunk, msrp::limits const& l = {})
{
    auto r = msrp::parse(chunk, l);
    EXPECT_FALSE(r) << chunk;
    return r ? msrp::error{} : r.error().code;
}

} // namespace msrp_test
