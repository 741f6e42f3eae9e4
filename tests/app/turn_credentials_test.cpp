// coturn's shared-secret credentials (docs/turn.md, "Credentials"): the username carries the
// expiry, the password is base64(HMAC-SHA1(secret, username)). The expected passwords were
// computed with Python's hmac and base64 modules, not with this code.
#include "turn_credentials.hpp"

#include <gtest/gtest.h>

using floorctl::app::make_turn_credentials;

TEST(TurnCredentialsTest, UsernameIsExpiryColonUserAndPasswordIsTheBase64Hmac)
{
    auto const c = make_turn_credentials("s3cret", "1-2", 1'700'000'000, std::chrono::hours{1});
    EXPECT_EQ(c.username, "1700003600:1-2");
    EXPECT_EQ(c.credential, "VhaLya27s93LsR3L4Cm55euxpBA=");
    EXPECT_EQ(c.expires_at, 1'700'003'600);
}

TEST(TurnCredentialsTest, LongSecretIsHashedFirstAsHmacRequires)
{
    // Longer than SHA-1's 64-octet block: HMAC hashes the key first (RFC 2104 §2).
    auto const c = make_turn_credentials(
        "a much longer shared secret, more than 64 octets long, as coturn allows", "7-42",
        1'700'000'000, std::chrono::hours{24});
    EXPECT_EQ(c.username, "1700086400:7-42");
    EXPECT_EQ(c.credential, "SLwydXHNHWoVY1x65JChEbT5+PI=");
}

TEST(TurnCredentialsTest, AnotherTimeGivesAnotherPassword)
{
    auto const a = make_turn_credentials("s3cret", "1-2", 1'700'000'000, std::chrono::hours{1});
    auto const b = make_turn_credentials("s3cret", "1-2", 1'700'000'001, std::chrono::hours{1});
    EXPECT_NE(a.credential, b.credential);
    EXPECT_EQ(b.username, "1700003601:1-2");
}
