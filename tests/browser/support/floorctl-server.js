/// The real floorctl binary for browser tests: started on 127.0.0.1 (port 0 the first time, the
/// same port and the same token store file after a restart), its port read from the start
/// banner ("(port N)"), participants provisioned through the HTTP API. Every wait is bounded;
/// stop() kills what is left.

import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import https from 'node:https';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

/// The binary under test: FLOORCTL_BINARY (CTest sets it to the build's floorctl).
export function floorctlBinary() {
  const bin = process.env.FLOORCTL_BINARY;
  if (!bin)
    throw new Error(
        'FLOORCTL_BINARY is not set (run through ctest, or set it to build/app/floorctl)');
  return bin;
}

/// The configuration of the browser tests: links and websocket_uri name @PUBLIC_PORT@ (0: the
/// listening port); tokens are kept in @STORE@ (a file in the server's temporary directory), so
/// they survive a restart. Conferences:
///   1 "demo"  floor 1 "Slides" (queue)
///   2 "board" floor 1 "Main screen" (chair decides; user 100 chairs it)
///   3 "team"  floor 1 "Slides" (queue), requests survive a 30 s reconnect
export const TEST_CONFIG = `io_threads = 1
[websocket]
listen = "127.0.0.1:@PORT@"
public_port = @PUBLIC_PORT@
[sip]
enabled = false
[[conference]]
id = 1
name = "demo"
[[conference.floor]]
id = 1
label = "Slides"
[[conference]]
id = 2
name = "board"
chair_users = [100]
[[conference.floor]]
id = 1
policy = "chair"
label = "Main screen"
[[conference]]
id = 3
name = "team"
reconnect_grace = "30s"
[[conference.floor]]
id = 1
label = "Slides"
[logging]
level = "info"
[tokens]
store = "@STORE@"
`;

/// floorctl's configuration for the SIP tests: the WebSocket port on `listen`, SIP over UDP and
/// TCP on `sipHost` (port 0), conference 4321 as sip:demo@127.0.0.1; `sip` is appended to the
/// [sip] table (more keys, then [[sip.user]] tables). The `sip` sub-protocol on the WebSocket port
/// hands calls to the TCP listener (RFC 7118); websocket-uri names localhost (a host name, as wss
/// needs).
export function sipConfig({listen = '127.0.0.1:@PORT@', sipHost = '127.0.0.1', sip = ''} = {}) {
  return `io_threads = 1
[websocket]
listen = "${listen}"
public_port = @PUBLIC_PORT@
public_host = "localhost"
[sip]
udp = ["${sipHost}:0"]
tcp = ["${sipHost}:0"]
${sip}
[[conference]]
id = 4321
sip_uris = ["sip:demo@127.0.0.1"]
[[conference.floor]]
id = 1
label = "Slides"
[logging]
level = "debug"
`;
}

/// The SIP tests' default configuration.
export const SIP_CONFIG = sipConfig();

export class FloorctlServer {
  #dir = mkdtempSync(join(tmpdir(), 'floorctl-browser-'));
  #child = null;
  #exited = null;
  #output = '';
  #publicPort;
  port = 0;

  /// `publicPort`: the port written into join links and websocket_uri (0: the listening one).
  constructor({publicPort = 0} = {}) {
    this.#publicPort = publicPort;
  }

  /// Starts the binary with `config` (its @PORT@ replaced by the port: 0 the first time;
  /// @STORE@ by the token store file, the same for every start).
  async start(config = TEST_CONFIG) {
    const path = join(this.#dir, 'floorctl.conf');
    writeFileSync(
        path,
        config.replace('@PORT@', String(this.port))
            .replace('@PUBLIC_PORT@', String(this.#publicPort))
            .replace('@STORE@', join(this.#dir, 'tokens')));
    const child = spawn(floorctlBinary(), ['--config', path], {stdio: ['ignore', 'pipe', 'pipe']});
    this.#child = child;
    this.#exited =
        new Promise((resolve) => child.once('exit', (code, signal) => resolve({code, signal})));
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(
          () => reject(new Error(`floorctl printed no port in 15 s:\n${this.#output}`)), 15000);
      const onData = (chunk) => {
        this.#output += chunk;
        const m = /\(port (\d+)\)/.exec(this.#output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout.setEncoding('utf8').on('data', onData);
      child.stderr.setEncoding('utf8').on('data', (chunk) => {
        this.#output += chunk;
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`floorctl exited with ${code}:\n${this.#output}`));
      });
    });
    this.port = port;
    return port;
  }

  /// Everything the binary printed so far.
  get output() {
    return this.#output;
  }

  /// The page origin, by the name and port links and websocket_uri use.
  get origin() {
    return `https://localhost:${this.#publicPort || this.port}`;
  }

  /// Ends the server with `signal`: SIGTERM (the default: Goodbye to every client, exit 0
  /// within 2 s) or SIGKILL (a crash: connections just drop); SIGKILL after 5 s in any case.
  async stop(signal = 'SIGTERM') {
    if (!this.#child) return null;
    const child = this.#child;
    this.#child = null;
    child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const result = await this.#exited;
    clearTimeout(killer);
    return result;
  }

  /// Stops the server with `signal` and starts it again on the same port; resolves with how
  /// the old one ended ({code, signal}).
  async restart(signal = 'SIGTERM') {
    const ended = await this.stop(signal);
    this.#output = '';
    await this.start();
    return ended;
  }

  /// Stops the server and removes its files.
  async dispose() {
    await this.stop();
    rmSync(this.#dir, {recursive: true, force: true});
  }

  /// A participant of `conference` (body as in POST /api/conferences/N/participants); resolves
  /// with the answer plus `join` (the link a person would open).
  async participant(conference, body) {
    const {status, json} =
        await this.api('POST', `/api/conferences/${conference}/participants`, body);
    if (status !== 201) throw new Error(`participant: ${status} ${JSON.stringify(json)}`);
    return {...json, join: json.join_url ?? `${this.origin}/join?token=${json.token}`};
  }

  /// One HTTPS request to the server (self-signed certificate accepted), JSON in and out.
  api(method, path, body) {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
          {
            host: '127.0.0.1',
            port: this.port,
            method,
            path,
            rejectUnauthorized: false,
            timeout: 10000
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (c) => {
              text += c;
            });
            res.on('end', () => {
              let json = null;
              try {
                json = text ? JSON.parse(text) : null;
              } catch {
                json = text;
              }
              resolve({status: res.statusCode, json});
            });
          });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
      req.on('error', reject);
      req.end(data);
    });
  }
}
