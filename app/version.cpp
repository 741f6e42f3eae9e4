#include "version.hpp"

namespace floorctl::app {
char const* version() noexcept
{
    return FLOORCTL_VERSION;
}
} // namespace floorctl::app
