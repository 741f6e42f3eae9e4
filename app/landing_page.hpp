#pragma once
/// @file landing_page.hpp
/// The page served at GET /: what this server is, how a browser joins a conference (a join
/// link), and where the protocol debugger is (/debug). Self-contained HTML, no script.

#include <string_view>

namespace floorctl::app {

/// The page, embedded in the binary.
inline constexpr std::string_view landing_page_html = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>floorctl — BFCP floor control server</title>
<style>body{font-family:system-ui,sans-serif;max-width:50em;margin:2em auto;padding:0 1em}
code{background:#eee;padding:0 .2em}</style></head><body>
<h1>floorctl</h1>
<p>A BFCP (RFC 8855) floor control server: participants ask for a floor (say, the right to share
their screen), the server grants it to one at a time and keeps the others in a queue.</p>
<h2>Join with a browser</h2>
<p>Open a <em>join link</em>: <code>/join?token=…</code>. The server prints two for the demo
conference when it starts without a configuration file. Otherwise ask the provisioning API for
a participant; its answer carries <code>join_url</code>:</p>
<pre>curl -sk -X POST https://127.0.0.1:8443/api/conferences/1/participants -d '{"display_name":"me"}'</pre>
<h2>More</h2>
<ul><li><a href="/debug">/debug</a>: the protocol debugger (send BFCP messages by hand)</li>
<li><a href="/healthz">/healthz</a>, <a href="/metrics">/metrics</a></li></ul>
</body></html>
)html";

} // namespace floorctl::app
