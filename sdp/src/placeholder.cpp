namespace sdp { int placeholder_symbol() { return 0; } }
