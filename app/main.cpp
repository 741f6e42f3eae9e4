#include "version.hpp"

#include <cstdio>

int main()
{
    std::printf("floorctl %s\n", floorctl::app::version());
    return 0;
}
