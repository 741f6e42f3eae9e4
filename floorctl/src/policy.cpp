#include <floorctl/policy.hpp>

namespace floorctl {

namespace {

admission first_come(floor_config const& cfg, floor_load const& load) noexcept
{
    return load.holders < cfg.max_holders ? admission::grant : admission::queue;
}

} // namespace

admission admit(floor_config const& cfg, floor_load const& load) noexcept
{
    switch (cfg.kind) {
    case policy::queue:
        return first_come(cfg, load);
    case policy::preempt:
        if (load.holders < cfg.max_holders) return admission::grant;
        // A lower-priority presenter must not push a higher-priority one off the floor
        // (RFC 8855 §5.2.4 gives PRIORITY meaning for ordering); it waits instead.
        return load.preemptable ? admission::preempt : admission::queue;
    case policy::chair:
        if (load.chair_connected) return admission::await_chair;
        return after_chair_silence(cfg, load);
    }
    return admission::deny;
}

admission after_chair_silence(floor_config const& cfg, floor_load const& load) noexcept
{
    return cfg.fallback == chair_fallback::accept ? first_come(cfg, load) : admission::deny;
}

} // namespace floorctl
