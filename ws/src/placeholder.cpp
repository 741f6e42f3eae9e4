namespace ws { int placeholder_symbol() { return 0; } }
