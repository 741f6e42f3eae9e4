#pragma once
namespace sdp {
/// Placeholder kept until the parser lands.
inline constexpr int module_version = 1;
}
