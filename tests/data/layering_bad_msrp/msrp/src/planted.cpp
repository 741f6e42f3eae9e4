// Planted violation: the layering test must fail on this tree (tests/CMakeLists.txt).
#include <boost/asio/io_context.hpp>
#include <ws/service.hpp>
