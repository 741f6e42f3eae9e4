#pragma once
/// @file version.hpp
/// The release version of the floorctl binary.

namespace floorctl::app {
/// The project version ("0.1.0"), from CMake's PROJECT_VERSION. Thread-safe.
[[nodiscard]] char const* version() noexcept;
} // namespace floorctl::app
