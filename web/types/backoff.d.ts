/**
 * Delay before reconnection attempt `attempt` (1, 2, …): the exponential step
 * min(maxDelayMs, initialDelayMs · 2^(attempt−1)), of which the upper half is random ("equal
 * jitter"), so that clients dropped together do not come back together.
 * @param {number} attempt
 * @param {Required<ReconnectOptions>} o
 * @param {() => number} random uniform in [0, 1)
 * @returns {number} milliseconds, an integer
 */
export function backoffDelay(attempt: number, o: Required<ReconnectOptions>, random: () => number): number;
/**
 * Reconnection settings.
 * @typedef {Object} ReconnectOptions
 * @property {number} [initialDelayMs] delay before the first attempt (default 500)
 * @property {number} [maxDelayMs] upper bound of a delay (default 10000)
 * @property {number} [maxAttempts] attempts before giving up (default Infinity; 0 disables)
 */
/** @type {Required<ReconnectOptions>} */
export const RECONNECT_DEFAULTS: Required<ReconnectOptions>;
/**
 * Reconnection settings.
 */
export type ReconnectOptions = {
    /**
     * delay before the first attempt (default 500)
     */
    initialDelayMs?: number | undefined;
    /**
     * upper bound of a delay (default 10000)
     */
    maxDelayMs?: number | undefined;
    /**
     * attempts before giving up (default Infinity; 0 disables)
     */
    maxAttempts?: number | undefined;
};
