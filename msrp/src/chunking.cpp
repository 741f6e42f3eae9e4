#include <msrp/chunking.hpp>

#include <algorithm>

namespace msrp {

byte_range range_of(message const& chunk)
{
    if (chunk.range) return *chunk.range;
    auto const size = static_cast<std::uint64_t>(chunk.body.size());
    return byte_range{1, size, size};
}

std::optional<error> check_range(message const& chunk)
{
    auto const r = range_of(chunk);
    if (r.start == 0) return error::bad_range;
    if (r.end && *r.end + 1 < r.start) return error::bad_range;
    auto const size = static_cast<std::uint64_t>(chunk.body.size());
    if (r.end && *r.end + 1 - r.start != size) return error::range_length_mismatch;
    auto const last = r.start + size - 1; // the last octet this chunk carries
    if (r.total && size > 0 && last > *r.total) return error::range_beyond_total;
    if (r.total && r.end && *r.end > *r.total) return error::range_beyond_total;
    return std::nullopt;
}

std::vector<message> split(message const& chunk, std::size_t max_body,
                           std::function<std::string()> const& next_transaction_id)
{
    std::vector<message> out;
    auto const r = range_of(chunk);
    if (chunk.body.size() <= max_body || max_body == 0) {
        out.push_back(chunk);
        out.back().transaction_id = next_transaction_id();
        return out;
    }
    for (std::size_t offset = 0; offset < chunk.body.size(); offset += max_body) {
        auto const n = std::min(max_body, chunk.body.size() - offset);
        message piece = chunk;
        piece.transaction_id = next_transaction_id();
        piece.body = chunk.body.substr(offset, n);
        auto const start = r.start + offset;
        piece.range = byte_range{start, start + n - 1, r.total};
        piece.flag = offset + n < chunk.body.size() ? continuation::more : chunk.flag;
        out.push_back(std::move(piece));
    }
    return out;
}

reassembly reassembler::fail(std::string const& id, error code)
{
    drop(id);
    reassembly out;
    out.what = reassembly::kind::failed;
    out.message_id = id;
    out.code = code;
    return out;
}

void reassembler::drop(std::string const& message_id)
{
    auto const it = messages_.find(message_id);
    if (it == messages_.end()) return;
    total_ -= it->second.data.size();
    messages_.erase(it);
}

reassembly reassembler::add(message const& chunk)
{
    std::string const id = chunk.message_id.value_or(std::string());
    if (auto const e = check_range(chunk)) return fail(id, *e);
    auto const r = range_of(chunk);
    auto const size = static_cast<std::uint64_t>(chunk.body.size());

    if (chunk.flag == continuation::aborted) {
        drop(id);
        reassembly out;
        out.what = reassembly::kind::aborted;
        out.message_id = id;
        return out;
    }
    if (id.empty()) {
        // Without a Message-ID nothing ties chunks together: only a whole message will do.
        if (r.start != 1 || chunk.flag != continuation::complete || (r.total && *r.total != size)) {
            return fail(id, error::bad_range);
        }
        reassembly out;
        out.what = reassembly::kind::complete;
        out.body = chunk.body;
        return out;
    }

    auto it = messages_.find(id);
    if (it == messages_.end()) {
        if (messages_.size() >= limits_.max_messages) return fail(id, error::too_many_messages);
        it = messages_.emplace(id, partial{}).first;
    }
    auto& p = it->second;

    // Totals and the end of the last chunk must agree across chunks.
    if (r.total) {
        if (p.total && *p.total != *r.total) return fail(id, error::total_mismatch);
        p.total = r.total;
    }
    auto const last = r.start + size - 1; // last octet carried (start - 1 when empty)
    if (chunk.flag == continuation::complete) {
        if (p.last_end && *p.last_end != last) return fail(id, error::total_mismatch);
        p.last_end = last;
    }
    auto const final_size = p.total ? p.total : p.last_end;
    if (final_size && p.total && p.last_end && *p.last_end != *p.total) {
        return fail(id, error::total_mismatch);
    }
    if (final_size && size > 0 && last > *final_size) return fail(id, error::total_mismatch);
    if (final_size && p.data.size() > *final_size) return fail(id, error::total_mismatch);
    if (size > 0 && last > limits_.max_message) return fail(id, error::message_too_large);
    if (final_size && *final_size > limits_.max_message) {
        return fail(id, error::message_too_large);
    }

    if (size > 0) {
        // Octets already received must be the same (a resend may overlap, never contradict).
        for (auto h = p.have.begin(); h != p.have.end(); ++h) {
            auto const lo = std::max(h->first, r.start);
            auto const hi = std::min(h->second, last);
            if (lo > hi) continue;
            auto const at = static_cast<std::size_t>(lo - 1);
            auto const from = static_cast<std::size_t>(lo - r.start);
            auto const n = static_cast<std::size_t>(hi - lo + 1);
            if (p.data.compare(at, n, chunk.body, from, n) != 0) {
                return fail(id, error::overlap_conflict);
            }
        }
        if (last > p.data.size()) {
            auto const grow = static_cast<std::size_t>(last) - p.data.size();
            if (total_ + grow > limits_.max_total) return fail(id, error::too_many_messages);
            p.data.resize(static_cast<std::size_t>(last));
            total_ += grow;
        }
        p.data.replace(static_cast<std::size_t>(r.start - 1), chunk.body.size(), chunk.body);
        // Merge [start, last] into the received ranges.
        auto lo = r.start;
        auto hi = last;
        auto h = p.have.upper_bound(lo);
        if (h != p.have.begin()) {
            auto const prev = std::prev(h);
            if (prev->second + 1 >= lo) {
                lo = prev->first;
                hi = std::max(hi, prev->second);
                h = p.have.erase(prev);
            }
        }
        while (h != p.have.end() && h->first <= hi + 1) {
            hi = std::max(hi, h->second);
            h = p.have.erase(h);
        }
        p.have.emplace(lo, hi);
    }

    auto const known = p.total ? p.total : p.last_end;
    bool const done = known && (*known == 0 || (p.have.size() == 1 && p.have.begin()->first == 1 &&
                                                p.have.begin()->second == *known));
    reassembly out;
    out.message_id = id;
    if (done) {
        out.what = reassembly::kind::complete;
        out.body = std::move(p.data);
        total_ -= out.body.size();
        messages_.erase(it);
    }
    return out;
}

} // namespace msrp
