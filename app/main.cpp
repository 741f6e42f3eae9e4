#include <cstdio>
namespace app { char const* version(); }
int main()
{
    std::printf("floorctl %s\n", app::version());
    return 0;
}
