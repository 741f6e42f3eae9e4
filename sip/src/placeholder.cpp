namespace sip { int placeholder_symbol() { return 0; } }
