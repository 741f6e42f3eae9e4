// planted violation for the layering self-test
#include <boost/asio/io_context.hpp>
