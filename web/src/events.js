/// The event type the client dispatches: an Event with a `detail` (CustomEvent is not a global
/// in every Node version this library supports).

/**
 * @template [T=unknown]
 */
export class DetailEvent extends Event {
  /**
   * @param {string} type
   * @param {T} detail
   */
  constructor(type, detail) {
    super(type);
    /** @type {T} */
    this.detail = detail;
  }
}
