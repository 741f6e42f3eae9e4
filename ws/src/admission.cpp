#include <ws/admission.hpp>

namespace ws {

char const* to_string(admission_verdict v) noexcept
{
    switch (v) {
    case admission_verdict::admitted:
        return "admitted";
    case admission_verdict::total_exceeded:
        return "total_exceeded";
    case admission_verdict::address_exceeded:
        return "address_exceeded";
    }
    return "?";
}

admission::ticket::ticket(std::shared_ptr<admission> owner, std::string address, kind k) noexcept
    : owner_(std::move(owner)), address_(std::move(address)), kind_(k)
{
}

admission::ticket::ticket(ticket&& o) noexcept
    : owner_(std::move(o.owner_)), address_(std::move(o.address_)), kind_(o.kind_)
{
}

admission::ticket& admission::ticket::operator=(ticket&& o) noexcept
{
    if (this != &o) {
        reset();
        owner_ = std::move(o.owner_);
        address_ = std::move(o.address_);
        kind_ = o.kind_;
    }
    return *this;
}

admission::ticket::~ticket()
{
    reset();
}

void admission::ticket::reset() noexcept
{
    if (owner_) owner_->release(address_, kind_);
    owner_.reset();
}

std::shared_ptr<admission> admission::create(admission_limits limits)
{
    return std::make_shared<admission>(limits);
}

admission::result admission::admit(std::string const& address)
{
    std::lock_guard lock(mutex_);
    if (limits_.max_connections != 0 && total_ >= limits_.max_connections)
        return {admission_verdict::total_exceeded, {}};
    auto const it = per_address_.find(address);
    std::size_t const n = it == per_address_.end() ? 0 : it->second;
    if (limits_.max_connections_per_address != 0 && n >= limits_.max_connections_per_address)
        return {admission_verdict::address_exceeded, {}};
    ++total_;
    if (it == per_address_.end())
        per_address_.emplace(address, 1);
    else
        ++it->second;
    return {admission_verdict::admitted,
            ticket{shared_from_this(), address, ticket::kind::connection}};
}

admission::ticket admission::refusal()
{
    std::lock_guard lock(mutex_);
    if (refusals_ >= limits_.max_refusals_in_flight) return {};
    ++refusals_;
    return ticket{shared_from_this(), {}, ticket::kind::refusal};
}

std::size_t admission::count() const
{
    std::lock_guard lock(mutex_);
    return total_;
}

void admission::release(std::string const& address, ticket::kind k) noexcept
{
    std::lock_guard lock(mutex_);
    if (k == ticket::kind::refusal) {
        --refusals_;
        return;
    }
    --total_;
    if (auto it = per_address_.find(address); it != per_address_.end() && --it->second == 0)
        per_address_.erase(it);
}

} // namespace ws
