// app/log: one log level vocabulary for the binary. ws/ and sip/ keep their own small enums
// (they do not depend on app/); app maps them in one place, and the names of the levels are the
// configuration's.

#include "log.hpp"

#include <gtest/gtest.h>

using namespace floorctl::app;

TEST(LogTest, AdapterLevelsMapToTheAppsLevels)
{
    EXPECT_EQ(to_log_level(ws::log_level::debug), log_level::debug);
    EXPECT_EQ(to_log_level(ws::log_level::info), log_level::info);
    EXPECT_EQ(to_log_level(ws::log_level::warning), log_level::warn);
    EXPECT_EQ(to_log_level(ws::log_level::error), log_level::error);
    EXPECT_EQ(to_log_level(sip::log_level::debug), log_level::debug);
    EXPECT_EQ(to_log_level(sip::log_level::info), log_level::info);
    EXPECT_EQ(to_log_level(sip::log_level::warning), log_level::warn);
    EXPECT_EQ(to_log_level(sip::log_level::error), log_level::error);
}

TEST(LogTest, LinesNameTheLevelAsTheConfigurationDoes)
{
    logger l;
    l.configure(log_level::trace, log_format::text);
    for (auto const lv :
         {log_level::trace, log_level::debug, log_level::info, log_level::warn, log_level::error}) {
        auto const line = l.format(lv, "m", {});
        EXPECT_NE(line.find(to_string(lv)), std::string::npos) << line;
        EXPECT_EQ(parse_log_level(to_string(lv)), lv);
    }
}
