#pragma once
/// @file chunking.hpp
/// MSRP chunking (RFC 4975 §5.1, §7.1.1, §7.3.1): the Byte-Range of a chunk checked against its
/// body, a message (or a chunk) split into smaller chunks, as a relay does for WebSocket clients
/// (RFC 7977 §5.1), and chunks put back together with bounded memory.
///
/// Pure: no I/O, no clock. The reassembler is not thread-safe: one per session, on its strand.

#include <msrp/error.hpp>
#include <msrp/message.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace msrp {

/// The range a chunk covers: its Byte-Range, or, without one, the whole message in one chunk
/// (RFC 4975 §7.1.1: `1-<size>/<size>`).
[[nodiscard]] byte_range range_of(message const& chunk);

/// Checks a chunk's Byte-Range against its body (RFC 4975 §7.1.1): start at least 1, end not
/// before start - 1, the body exactly end - start + 1 octets when the end is known (else a
/// range_length_mismatch: the byte-range lie), and the range within the total when both are
/// known. nullopt when the chunk is consistent.
[[nodiscard]] std::optional<error> check_range(message const& chunk);

/// Splits `chunk` into chunks of at most `max_body` octets of body (max_body > 0). Each piece is
/// a copy of `chunk` with its slice of the body, its Byte-Range (offsets from the original's
/// start, end always known, the original's total) and a new transaction ID from
/// `next_transaction_id`; every piece but the last has the flag `+`, the last keeps the
/// original's flag. A chunk that fits is returned as it is (with its own transaction ID).
/// Precondition: check_range(chunk) is nullopt.
[[nodiscard]] std::vector<message> split(message const& chunk, std::size_t max_body,
                                         std::function<std::string()> const& next_transaction_id);

/// Bounds on reassembly.
struct reassembly_limits {
    std::size_t max_message = 1024 * 1024;   ///< Largest message put back together.
    std::size_t max_messages = 16;           ///< Messages in reassembly at once.
    std::size_t max_total = 4 * 1024 * 1024; ///< Octets buffered over all of them.
};

/// What reassembler::add() made of a chunk.
struct reassembly {
    enum class kind : std::uint8_t {
        incomplete, ///< more chunks needed
        complete,   ///< `body` holds the whole message
        aborted,    ///< the sender aborted the message (flag `#`); what was buffered is dropped
        failed,     ///< `code` says why; what was buffered for this message is dropped
    };
    kind what = kind::incomplete;
    std::string message_id;
    std::string body;
    error code{};
};

/// Puts the chunks of messages back together, keyed by Message-ID. Chunks may arrive in any order
/// and overlap (a resend after an interruption, RFC 4975 §7.1.1) as long as overlapping octets
/// are the same.
class reassembler {
public:
    explicit reassembler(reassembly_limits const& l = {}) : limits_(l) {}

    /// Adds one SEND chunk. A chunk without Message-ID is a whole message only when it has no
    /// Byte-Range beyond its body and the flag `$`; otherwise it fails with bad_range.
    [[nodiscard]] reassembly add(message const& chunk);

    /// Forgets a message in reassembly (its sender's session ended).
    void drop(std::string const& message_id);

    /// Octets buffered over every message.
    [[nodiscard]] std::size_t buffered() const noexcept { return total_; }
    /// Messages in reassembly.
    [[nodiscard]] std::size_t pending() const noexcept { return messages_.size(); }

private:
    struct partial {
        std::string data;                            ///< octets 1..data.size()
        std::map<std::uint64_t, std::uint64_t> have; ///< received ranges, start -> end, merged
        std::optional<std::uint64_t> total;          ///< declared total
        std::optional<std::uint64_t> last_end;       ///< end of the `$` chunk, when seen
    };
    reassembly fail(std::string const& id, error code);

    reassembly_limits limits_;
    std::map<std::string, partial> messages_;
    std::size_t total_ = 0;
};

} // namespace msrp
