/**
 * @template [T=unknown]
 */
export class DetailEvent<T = unknown> extends Event {
    /**
     * @param {string} type
     * @param {T} detail
     */
    constructor(type: string, detail: T);
    /** @type {T} */
    detail: T;
}
