// Placeholder: the BFCP library's entry point (codec, client) goes here.
export {};
