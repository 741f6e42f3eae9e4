namespace app {
char const* version() { return FLOORCTL_VERSION; }
}
