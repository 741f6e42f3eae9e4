#pragma once
/// @file demo_page.hpp
/// The protocol debugger served at GET /debug. Self-contained HTML and
/// JavaScript (no external resources): paste a token, connect with sub-protocol BFCP (RFC 8857),
/// send Hello / FloorRequest / FloorRelease encoded by hand (RFC 8855 §5), see decoded replies.

#include <string_view>

namespace floorctl::app {

/// The page, embedded in the binary.
inline constexpr std::string_view demo_page_html = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>floorctl — BFCP over WebSocket demo</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}
input{font-family:monospace} #log{background:#111;color:#dfd;padding:1em;height:24em;overflow:auto;
font-family:monospace;font-size:90%;white-space:pre-wrap} button{margin:.2em}
</style></head><body>
<h1>floorctl demo</h1>
<p>Get a token from the provisioning API (on the server host):<br>
<code>curl -sk -X POST <span class="base"></span>/api/conferences/1/participants -d '{"display_name":"me"}'</code><br>
then paste the <code>websocket_uri</code> (or just the token) below.</p>
<p><label>WebSocket URI or token: <input id="uri" size="80"></label></p>
<p><label>Conference ID <input id="conf" size="6" value="1"></label>
<label>User ID <input id="user" size="6" value="1"></label>
<label>Floor ID <input id="floor" size="4" value="1"></label>
<label>Request ID <input id="req" size="4" value=""></label></p>
<p><button id="connect">Connect</button><button id="hello">Hello</button>
<button id="request">FloorRequest</button><button id="release">FloorRelease</button>
<button id="query">FloorQuery</button><button id="bye">Goodbye</button><button id="close">Close</button></p>
<div id="log"></div>
<script>
"use strict";
const PRIM={1:"FloorRequest",2:"FloorRelease",3:"FloorRequestQuery",4:"FloorRequestStatus",5:"UserQuery",
6:"UserStatus",7:"FloorQuery",8:"FloorStatus",9:"ChairAction",10:"ChairActionAck",11:"Hello",12:"HelloAck",
13:"Error",14:"FloorRequestStatusAck",15:"FloorStatusAck",16:"Goodbye",17:"GoodbyeAck"};
const ATTR={1:"BENEFICIARY-ID",2:"FLOOR-ID",3:"FLOOR-REQUEST-ID",4:"PRIORITY",5:"REQUEST-STATUS",6:"ERROR-CODE",
7:"ERROR-INFO",8:"PARTICIPANT-PROVIDED-INFO",9:"STATUS-INFO",10:"SUPPORTED-ATTRIBUTES",11:"SUPPORTED-PRIMITIVES",
12:"USER-DISPLAY-NAME",13:"USER-URI",14:"BENEFICIARY-INFORMATION",15:"FLOOR-REQUEST-INFORMATION",
16:"REQUESTED-BY-INFORMATION",17:"FLOOR-REQUEST-STATUS",18:"OVERALL-REQUEST-STATUS"};
const STATUS={1:"Pending",2:"Accepted",3:"Granted",4:"Denied",5:"Cancelled",6:"Released",7:"Revoked"};
const GROUPED=new Set([14,15,16,17,18]);
const TEXT=new Set([7,8,9,12,13]);
let ws=null, tx=1;
const $=id=>document.getElementById(id);
for(const e of document.querySelectorAll(".base")) e.textContent=location.origin;
function log(s){const l=$("log");l.textContent+=s+"\n";l.scrollTop=l.scrollHeight;}
// RFC 8855 §5.1 common header + §5.2 attributes (type<<1 | M, length incl. the 2 header octets, padded to 4).
function attr16(type,value){return [type<<1|1,4,value>>8&255,value&255];}
function message(prim,attrs){
  const payload=attrs.flat(); const words=payload.length/4;
  const conf=+$("conf").value, user=+$("user").value, t=tx++;
  const h=[0x20,prim,words>>8&255,words&255,conf>>>24&255,conf>>16&255,conf>>8&255,conf&255,
           t>>8&255,t&255,user>>8&255,user&255];
  return new Uint8Array(h.concat(payload));
}
function decodeAttrs(b,off,end,depth){
  const out=[];
  while(off+2<=end){
    const type=b[off]>>1, len=b[off+1]; if(len<2||off+len>end) {out.push("(bad attribute)");break;}
    const v=b.subarray(off+2,off+len); const name=ATTR[type]||("attr "+type); const pad="  ".repeat(depth);
    if(GROUPED.has(type)){ out.push(pad+name+" id="+(v[0]<<8|v[1])); out.push(...decodeAttrs(b,off+4,off+len,depth+1)); }
    else if(type===5) out.push(pad+name+" "+(STATUS[v[0]]||v[0])+(v[1]?" queue position "+v[1]:""));
    else if(type===6) out.push(pad+name+" "+v[0]);
    else if(TEXT.has(type)) out.push(pad+name+' "'+new TextDecoder().decode(v)+'"');
    else if(type===10||type===11) out.push(pad+name+" ["+Array.from(v).map(x=>type===10?x>>1:x).filter(x=>x).join(",")+"]");
    else if(v.length>=2) out.push(pad+name+" "+(v[0]<<8|v[1]));
    else out.push(pad+name);
    off+=(len+3)&~3;
  }
  return out;
}
function decode(buf){
  const b=new Uint8Array(buf); if(b.length<12) return "short message ("+b.length+" octets)";
  const prim=b[1], conf=(b[4]<<24|b[5]<<16|b[6]<<8|b[7])>>>0, t=b[8]<<8|b[9], user=b[10]<<8|b[11];
  const lines=[(PRIM[prim]||("primitive "+prim))+" conf="+conf+" tx="+t+" user="+user];
  return lines.concat(decodeAttrs(b,12,b.length,1)).join("\n");
}
function send(prim,attrs){
  if(!ws||ws.readyState!==1){log("not connected");return;}
  const m=message(prim,attrs); ws.send(m); log("> "+decode(m.buffer));
}
$("connect").onclick=()=>{
  let u=$("uri").value.trim();
  if(!u.includes("://")) u=(location.protocol==="https:"?"wss://":"ws://")+location.host+"/bfcp?token="+encodeURIComponent(u);
  ws=new WebSocket(u,"BFCP"); ws.binaryType="arraybuffer";
  ws.onopen=()=>log("connected, sub-protocol "+ws.protocol);
  ws.onmessage=e=>{ if(typeof e.data==="string"){log("< text frame?!");return;}
    const d=decode(e.data); log("< "+d);
    const m=/FLOOR-REQUEST-INFORMATION id=(\d+)/.exec(d); if(m) $("req").value=m[1]; };
  ws.onclose=e=>log("closed "+e.code+" "+e.reason);
  ws.onerror=()=>log("WebSocket error (wrong token? untrusted certificate? open "+location.origin+" first)");
};
$("hello").onclick=()=>send(11,[]);
$("request").onclick=()=>send(1,[attr16(2,+$("floor").value)]);
$("release").onclick=()=>send(2,[attr16(3,+$("req").value)]);
$("query").onclick=()=>send(7,[attr16(2,+$("floor").value)]);
$("bye").onclick=()=>send(16,[]);
$("close").onclick=()=>{ if(ws) ws.close(1000); };
</script></body></html>
)html";

} // namespace floorctl::app
