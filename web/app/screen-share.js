/// The local screen capture: getDisplayMedia, the preview <video>, and stopping it.
/// The stream never leaves this page through floorctl; an integrator takes it from the
/// 'floorctl:granted' event and hands it to its conferencing system.

export class ScreenShare extends EventTarget {
  #video;
  #placeholder;
  #stream = null;

  /// `video` shows the preview; `placeholder` is shown instead while nothing is shared.
  constructor(video, placeholder) {
    super();
    this.#video = video;
    this.#placeholder = placeholder;
  }

  /// The MediaStream being shared, or null.
  get stream() {
    return this.#stream;
  }

  /// Opens the browser's picker and starts the preview. Rejects with the DOMException of
  /// getDisplayMedia: NotAllowedError when the person cancels, InvalidStateError when the
  /// browser wants a click first (see needsClick).
  async start() {
    if (this.#stream) return this.#stream;
    const stream = await navigator.mediaDevices.getDisplayMedia({video: true, audio: false});
    this.#stream = stream;
    for (const track of stream.getTracks()) {
      // The browser's own "Stop sharing" control ends the track.
      track.addEventListener('ended', () => this.#ended(stream), {once: true});
    }
    this.#video.srcObject = stream;
    this.#video.hidden = false;
    this.#placeholder.hidden = true;
    return stream;
  }

  /// Ends the capture (no-op when nothing is shared).
  stop() {
    const stream = this.#stream;
    if (!stream) return;
    this.#stream = null;
    for (const track of stream.getTracks()) track.stop();
    this.#video.srcObject = null;
    this.#video.hidden = true;
    this.#placeholder.hidden = false;
  }

  #ended(stream) {
    if (stream !== this.#stream) return;
    this.stop();
    this.dispatchEvent(new Event('ended'));
  }
}

/// True when getDisplayMedia refused only because the page had no fresh click: the floor was
/// granted long after "Present" was pressed, so the person has to press "Share my screen".
export function needsClick(error) {
  return error?.name === 'InvalidStateError';
}

/// True when the person closed the picker without choosing anything.
export function wasCancelled(error) {
  return error?.name === 'NotAllowedError' || error?.name === 'AbortError';
}
