/// Your own floor request on one floor: Present, the wait in line, the grant that starts the
/// screen capture, and every way it ends (Stop, Denied, Revoked, a dropped connection).
/// Fires 'change' whenever `phase`, `position` or `note` change; the view reads them.

import {announce} from './integration-events.js';
import {needsClick, wasCancelled} from './screen-share.js';

/// What the page says when a request did not survive a dropped connection.
const DROPPED_NOTE = 'The connection dropped and your request ended. Press Present to ask again.';

/// Phases of your request on a floor:
///   idle        no request
///   requesting  FloorRequest sent, no answer yet
///   waiting     Pending or Accepted: in line (position = 1 for the next one)
///   granted     the floor is yours, the screen capture is starting or needs a click
///   sharing     the floor is yours and the screen is captured
///   ending      FloorRelease sent
export class Presenter extends EventTarget {
  #client;
  #share;
  #request = null;
  #awaitingReconcile = false;
  #reconcileNote = DROPPED_NOTE;
  phase = 'idle';
  /// While waiting: 'pending' (not decided yet) or 'accepted' (a chair said yes).
  waitingAs = '';
  position = 0;
  note = '';
  /// True while granted but the browser wants a click before it opens the screen picker.
  needsClick = false;

  /// `client` is the BfcpClient, `floor` the floor id, `share` the page's ScreenShare.
  constructor(client, floor, share) {
    super();
    this.#client = client;
    this.floor = floor;
    this.#share = share;
    share.addEventListener('ended', () => {
      if (this.phase === 'sharing') this.stop('stopped');
    });
  }

  /// The id of the request in flight, or 0.
  get requestId() {
    return this.#request?.id ?? 0;
  }

  /// Asks for the floor (the "Present" button).
  async present() {
    if (this.phase !== 'idle') return;
    this.#set({phase: 'requesting', position: 0, note: ''});
    let request;
    try {
      request = this.#client.requestFloor(this.floor);
      this.#request = request;
      request.addEventListener('status', (e) => this.#onStatus(request, e.detail));
      await request.sent;
    } catch (error) {
      if (request && this.#request !== request) return;
      this.#request = null;
      this.#set({phase: 'idle', note: `The floor could not be requested: ${describe(error)}`});
      return;
    }
    // The first status also came as a 'status' event; this covers a library that resolves
    // `sent` without one.
    this.#onStatus(request, {status: request.status, queuePosition: request.queuePosition});
  }

  /// Opens the screen picker after a grant that came too late for the "Present" click.
  async shareScreen() {
    if (this.phase !== 'granted') return;
    await this.#startCapture(this.#request);
  }

  /// Gives the floor back, or leaves the line (the "Stop presenting" and "Leave the line"
  /// buttons). `reason` goes into 'floorctl:released'.
  async stop(reason = 'stopped') {
    const request = this.#request;
    if (!request || this.phase === 'ending') return;
    this.#share.stop();
    this.#set({phase: 'ending', note: ''});
    try {
      await request.release();
    } catch {
      // Already ended on the server (or the connection is gone): nothing is held either way.
    }
    if (this.#request !== request) return;
    this.#finish(request, reason, '');
  }

  /// After a reconnection: the next FloorStatus of this floor tells whether the request
  /// survived (the server keeps it only within its reconnect grace); `endedNote` is shown if it
  /// did not.
  reconnected(endedNote = DROPPED_NOTE) {
    this.#awaitingReconcile = this.#request !== null;
    this.#reconcileNote = endedNote;
  }

  /// The connection ended for good: nothing is held any more.
  disconnected(note) {
    if (!this.#request) return;
    this.#finish(this.#request, 'disconnected', note);
  }

  /// Reads this floor's FloorStatus: your place in line, and after a reconnection whether your
  /// request is still there.
  observe(status) {
    const request = this.#request;
    if (!request || !request.id) return;
    const queued = status.queue.find((q) => q.requestId === request.id);
    const held = status.holders.find((h) => h.requestId === request.id);
    if (this.#awaitingReconcile) {
      this.#awaitingReconcile = false;
      if (!queued && !held) {
        this.#finish(request, 'disconnected', this.#reconcileNote);
        return;
      }
    }
    if (queued && this.phase === 'waiting' && queued.position &&
        queued.position !== this.position) {
      this.#set({position: queued.position});
    }
  }

  #onStatus(request, {status, queuePosition}) {
    if (request !== this.#request || !status) return;
    if (this.phase === 'requesting')
      announce('requested', {floor: this.floor, requestId: request.id});
    switch (status) {
      case 'pending':
      case 'accepted':
        if (this.phase === 'ending') return;
        if (this.phase === 'waiting' && this.position === (queuePosition ?? 0) &&
            this.waitingAs === status)
          return;
        this.#set({phase: 'waiting', position: queuePosition ?? 0, waitingAs: status});
        announce('queued', {floor: this.floor, requestId: request.id, position: this.position});
        break;
      case 'granted':
        if (this.phase === 'granted' || this.phase === 'sharing' || this.phase === 'ending') return;
        this.#set({phase: 'granted', position: 0, note: ''});
        announce('granted', {floor: this.floor, requestId: request.id});
        this.#startCapture(request);
        break;
      case 'denied':
        this.#finish(request, null, 'Your request to present was denied.');
        announce('denied', {floor: this.floor, requestId: request.id});
        break;
      case 'revoked':
        this.#finish(request, 'revoked', 'A chair ended your presentation.');
        announce('revoked', {floor: this.floor, requestId: request.id});
        break;
      case 'released':
        if (this.phase !== 'ending') this.#finish(request, 'stopped', '');
        break;
      case 'cancelled':
        // Not asked for here: the server ended it, or forgot it while the connection was down.
        if (this.phase !== 'ending')
          this.#finish(request, 'cancelled', 'Your request ended. Press Present to ask again.');
        break;
      default:
        break;
    }
  }

  async #startCapture(request) {
    this.needsClick = false;
    try {
      const stream = await this.#share.start();
      if (request !== this.#request || this.phase !== 'granted') return;
      this.#set({phase: 'sharing', note: ''});
      announce('sharing', {floor: this.floor, requestId: request.id, stream});
    } catch (error) {
      if (request !== this.#request || this.phase !== 'granted') return;
      if (needsClick(error)) {
        this.needsClick = true;
        this.#set({note: 'The floor is yours. Press “Share my screen” to choose what to show.'});
      } else if (wasCancelled(error)) {
        await this.stop('cancelled');
        this.#set({note: 'You closed the screen picker, so the floor was given back.'});
      } else {
        await this.stop('cancelled');
        this.#set({note: `Your browser could not share the screen (${error.message}).`});
      }
    }
  }

  #finish(request, reason, note) {
    if (request !== this.#request) return;
    this.#request = null;
    this.#awaitingReconcile = false;
    this.needsClick = false;
    this.#share.stop();
    this.#set({phase: 'idle', position: 0, note});
    if (reason) announce('released', {floor: this.floor, requestId: request.id, reason});
  }

  #set(fields) {
    Object.assign(this, fields);
    this.dispatchEvent(new Event('change'));
  }
}

/// A short reason for a failed request, from a BfcpError or any other error.
export function describe(error) {
  if (error?.info) return error.info;
  if (error?.name && error.name !== 'Error') return error.name;
  return error?.message || 'unknown error';
}
