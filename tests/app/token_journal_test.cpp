// The token store file: what a restart keeps (issued, used, revoked, expired, the participants),
// its size over a long run (compaction), and the files it refuses or repairs (a cut last line
// from a crash, a corrupt line, a file that is not a journal, a path that cannot be written).

#include "token_journal.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace floorctl;
using namespace floorctl::app;
using namespace std::chrono_literals;

namespace {

conference_id const conf{7};
user_id const alice{3};

journal_participant participant(user_id user, std::string name, bool chair = false)
{
    journal_participant p;
    p.conference = conf;
    p.info.id = user;
    p.info.display_name = std::move(name);
    p.info.uri = "sip:someone@example.com";
    p.chair = chair;
    return p;
}

class TokenJournalTest : public ::testing::Test {
protected:
    TokenJournalTest()
        : dir_(std::filesystem::temp_directory_path() /
               ("floorctl-token-journal-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name()))
    {
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    ~TokenJournalTest() override { std::filesystem::remove_all(dir_); }

    [[nodiscard]] std::filesystem::path file() const { return dir_ / "tokens"; }

    void write_file(std::string const& text) const { std::ofstream(file()) << text; }

    [[nodiscard]] std::string read_file() const
    {
        std::ifstream in(file());
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    /// A server's run: a store backed by the file, attached as the application does.
    struct run {
        token_store store{5min};
        token_journal journal;
        std::vector<journal_participant> kept;
        run(std::filesystem::path const& path, std::chrono::system_clock::time_point wall,
            clock::time_point now)
            : journal(path)
        {
            kept = journal.attach(store, wall, now);
        }
    };

    std::filesystem::path dir_;
    std::chrono::system_clock::time_point const wall_ = std::chrono::system_clock::now();
    clock::time_point const now_ = clock::now();
};

} // namespace

TEST_F(TokenJournalTest, ATokenAndItsParticipantSurviveARestart)
{
    std::string token;
    {
        run r(file(), wall_, now_);
        // Spaces, a dash, a percent sign and UTF-8 in the name: one field on disk.
        ASSERT_TRUE(r.journal.participant_added(participant(alice, "Ann-Marie 50% Müller")));
        token = *r.store.issue(conf, alice, clock::now());
    }
    run r(file(), wall_ + 1min, now_ + 1min);
    ASSERT_EQ(r.kept.size(), 1u);
    EXPECT_EQ(r.kept[0].conference, conf);
    EXPECT_EQ(r.kept[0].info.id, alice);
    EXPECT_EQ(r.kept[0].info.display_name, "Ann-Marie 50% Müller");
    EXPECT_EQ(r.kept[0].info.uri, "sip:someone@example.com");
    EXPECT_FALSE(r.kept[0].chair);
    auto const c = r.store.check(token, now_ + 1min);
    EXPECT_EQ(c.status, token_status::valid);
    EXPECT_EQ(c.owner, (token_owner{conf, alice}));
    // The lifetime still counts from the issue, a minute before the restart.
    ASSERT_TRUE(c.expires_in);
    EXPECT_LE(*c.expires_in, 4min + 1s);
    EXPECT_GT(*c.expires_in, 3min);
}

TEST_F(TokenJournalTest, AnUnusedTokenStaysExpiredAfterARestart)
{
    std::string token;
    {
        run r(file(), wall_, now_);
        ASSERT_TRUE(r.journal.participant_added(participant(alice, "Ann")));
        token = *r.store.issue(conf, alice, clock::now());
    }
    {
        run r(file(), wall_ + 6min, now_);
        EXPECT_EQ(r.store.check(token, now_).status, token_status::expired);
    }
    // Two lifetimes after the issue it is forgotten, in the store and in the file.
    run r(file(), wall_ + 11min, now_);
    EXPECT_EQ(r.store.check(token, now_).status, token_status::unknown);
    EXPECT_EQ(r.journal.live(), 1u) << "only the participant is left";
    EXPECT_EQ(read_file().find(token), std::string::npos);
}

TEST_F(TokenJournalTest, AUsedTokenStaysValidForReconnectsAfterARestart)
{
    std::string token;
    {
        run r(file(), wall_, now_);
        ASSERT_TRUE(r.journal.participant_added(participant(alice, "Ann")));
        token = *r.store.issue(conf, alice, clock::now());
        EXPECT_EQ(r.store.use(token, clock::now()).status, token_status::valid);
    }
    run r(file(), wall_ + 1h, now_);
    auto const c = r.store.check(token, now_);
    EXPECT_EQ(c.status, token_status::valid);
    EXPECT_FALSE(c.expires_in) << "used: no deadline any more";
}

TEST_F(TokenJournalTest, ARevokedTokenStaysRevokedAfterARestart)
{
    std::string token;
    std::string other;
    {
        run r(file(), wall_, now_);
        ASSERT_TRUE(r.journal.participant_added(participant(alice, "Ann")));
        ASSERT_TRUE(r.journal.participant_added(participant(user_id{4}, "Bo")));
        token = *r.store.issue(conf, alice, clock::now());
        other = *r.store.issue(conf, user_id{4}, clock::now());
        (void)r.store.use(token, clock::now());
        r.store.revoke_user(conf, alice, clock::now());
        r.journal.participant_removed(conf, alice);
    }
    run r(file(), wall_ + 1min, now_);
    EXPECT_EQ(r.store.check(token, now_).status, token_status::revoked);
    EXPECT_EQ(r.store.check(other, now_).status, token_status::valid);
    ASSERT_EQ(r.kept.size(), 1u) << "the removed participant is not made again";
    EXPECT_EQ(r.kept[0].info.display_name, "Bo");
}

TEST_F(TokenJournalTest, ABannerLinkOutlivesTheLifetime)
{
    std::string token;
    {
        run r(file(), wall_, now_);
        ASSERT_TRUE(r.journal.participant_added(participant(alice, "Alice")));
        token = *r.store.issue(conf, alice, clock::now(), true);
    }
    run r(file(), wall_ + 24h, now_);
    EXPECT_EQ(r.store.check(token, now_).status, token_status::valid);
    EXPECT_EQ(r.store.lasting_tokens(conf), std::vector<std::string>{token});
}

TEST_F(TokenJournalTest, TokensOfParticipantsItDoesNotKnowAreNotWritten)
{
    std::string token;
    {
        run r(file(), wall_, now_);
        // The SIP side's participants are not written down (their calls end with the process).
        token = *r.store.issue(conf, alice, clock::now());
        EXPECT_EQ(r.journal.records(), 0u);
    }
    run r(file(), wall_, now_);
    EXPECT_EQ(r.store.check(token, now_).status, token_status::unknown);
}

TEST_F(TokenJournalTest, TheFileStaysBoundedOverALongRun)
{
    run r(file(), wall_, now_);
    ASSERT_TRUE(r.journal.participant_added(participant(alice, "Ann")));
    std::uintmax_t largest = 0;
    // 400 participants come and go, each with a token used and revoked, 10 s apart: the live
    // set stays at the tokens revoked in the last lifetime (30) plus Ann.
    for (int i = 0; i < 400; ++i) {
        auto const t = clock::now() + i * 10s;
        auto const user = user_id{static_cast<std::uint16_t>(10 + i % 1000)};
        ASSERT_TRUE(r.journal.participant_added(participant(user, "guest")));
        auto const token = r.store.issue(conf, user, t);
        ASSERT_TRUE(token);
        (void)r.store.use(*token, t);
        r.store.revoke_user(conf, user, t);
        r.journal.participant_removed(conf, user);
        ASSERT_LE(r.journal.records(), 2 * r.journal.live() + 64 + 1);
        largest = std::max(largest, std::filesystem::file_size(file()));
    }
    EXPECT_LT(r.journal.live(), 200u);
    EXPECT_LT(largest, 64u * 1024) << "the file follows the live set, not the history";
    // And what it holds still reads back.
    run again(file(), wall_, now_);
    EXPECT_EQ(again.kept.size(), 1u);
}

TEST_F(TokenJournalTest, ALineCutByACrashIsSkipped)
{
    std::string token;
    {
        run r(file(), wall_, now_);
        ASSERT_TRUE(r.journal.participant_added(participant(alice, "Ann")));
        token = *r.store.issue(conf, alice, clock::now());
    }
    {
        std::ofstream(file(), std::ios::app)
            << "I 0123456789abcdef0123456789abcdef 7 3 17"; // no \n
    }
    run r(file(), wall_, now_);
    EXPECT_EQ(r.store.check(token, now_).status, token_status::valid);
    EXPECT_EQ(r.store.size(), 1u);
    // Rewritten at start: the cut line is gone, new records start on a line of their own.
    EXPECT_EQ(read_file().find("0123456789abcdef0123456789abcdef"), std::string::npos);
    EXPECT_EQ(read_file().back(), '\n');
}

TEST_F(TokenJournalTest, AMalformedLastLineIsSkipped)
{
    write_file("floorctl-tokens 1\nP 7 3 0 Ann -\nI zz 7 3\n");
    run r(file(), wall_, now_);
    EXPECT_EQ(r.kept.size(), 1u);
    EXPECT_EQ(r.store.size(), 0u);
}

TEST_F(TokenJournalTest, ACorruptLineInTheMiddleIsAStartupErrorNamingTheFile)
{
    write_file("floorctl-tokens 1\nP 7 3 0 Ann -\n\x01\x02garbage\nX 7 3\n");
    try {
        token_journal j(file());
        FAIL() << "a corrupt journal was accepted";
    } catch (std::runtime_error const& e) {
        EXPECT_NE(std::string(e.what()).find(file().string() + ":3:"), std::string::npos)
            << e.what();
    }
}

TEST_F(TokenJournalTest, AFileThatIsNotAJournalIsAStartupError)
{
    write_file("[websocket]\nlisten = \"127.0.0.1:0\"\n");
    try {
        token_journal j(file());
        FAIL() << "a foreign file was accepted";
    } catch (std::runtime_error const& e) {
        EXPECT_NE(std::string(e.what()).find(file().string()), std::string::npos) << e.what();
    }
    EXPECT_EQ(read_file(), "[websocket]\nlisten = \"127.0.0.1:0\"\n") << "left as it was";
}

TEST_F(TokenJournalTest, AHeaderCutShortStartsEmpty)
{
    write_file("floorctl-tok");
    run r(file(), wall_, now_);
    EXPECT_EQ(r.journal.live(), 0u);
    EXPECT_EQ(read_file(), "floorctl-tokens 1\n");
}

TEST_F(TokenJournalTest, APathThatCannotBeWrittenIsAStartupErrorNamingIt)
{
    auto const missing = dir_ / "no-such-directory" / "tokens";
    try {
        token_journal j(missing);
        FAIL() << "opened a file in a missing directory";
    } catch (std::runtime_error const& e) {
        EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
    }
    try {
        token_journal j(dir_); // a directory
        FAIL() << "opened a directory";
    } catch (std::runtime_error const& e) {
        EXPECT_NE(std::string(e.what()).find(dir_.string()), std::string::npos) << e.what();
    }
}

TEST_F(TokenJournalTest, TheFileIsOnlyForItsOwner)
{
    run r(file(), wall_, now_);
    auto const perms = std::filesystem::status(file()).permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none);
}
