/**
 * A BFCP client. Events: 'open' (detail {reconnected}), 'close' (detail {code, reason}),
 * 'reconnecting' (detail {attempt, delayMs, goingAway}: goingAway when the server said Goodbye
 * and closed with 1001, i.e. it is stopping or restarting), 'error' (detail: the Error: a frame
 * that is not BFCP, an Error reply no request waits for, a failed restore), 'floorstatus' (detail:
 * FloorStatusDetail), 'requeststatus' (detail: RequestStatusDetail).
 */
export class BfcpClient extends EventTarget {
    /** @param {BfcpClientOptions} options */
    constructor(options: BfcpClientOptions);
    /** @private */ private WS;
    /** @type {string} */ url: string;
    /** @type {number} */ conference: number;
    /** @type {number} */ user: number;
    /** @private */ private protocol;
    /** @private */ private reconnectOptions;
    /** @private */ private timers;
    /** @private */ private random;
    /** @private */ private requestTimeoutMs;
    /** @private */ private tx;
    /** @private @type {WebSocketLike | null} */ private ws;
    /** @private @type {ClientState} */ private currentState;
    /** @private @type {Map<number, FloorRequest>} requests with an ID, not over */
    private requests;
    /** @private @type {Set<FloorRequest>} requests sent, not answered yet */
    private unanswered;
    /** @private @type {number[]} */ private subscriptions;
    /** @private */ private attempt;
    /** @private @type {unknown} */ private reconnectTimer;
    /** @private @type {unknown} set between the server's Goodbye and the close that follows */
    private goodbyeTimer;
    /** @private the connection dropped after the server's Goodbye and a 1001 close */
    private goingAway;
    /** @returns {ClientState} */
    get state(): ClientState;
    /**
     * Opens the WebSocket (sub-protocol "bfcp"), sends Hello and resolves on HelloAck. Rejects
     * (and the state goes back to 'closed') when the connection fails or no HelloAck comes within
     * requestTimeoutMs; reconnection only starts once a connection was open.
     * @returns {Promise<void>}
     */
    connect(): Promise<void>;
    /**
     * Asks for a floor (FloorRequest). The returned FloorRequest follows the request's status.
     * @param {number} floorId
     * @param {{priority?: number | keyof typeof Priority, info?: string, beneficiary?: number}}
     *     [options]
     *   priority 0..4 or 'lowest'…'highest'; info: PARTICIPANT-PROVIDED-INFO; beneficiary: a
     *   third party's user ID (chairs)
     * @returns {FloorRequest}
     */
    requestFloor(floorId: number, options?: {
        priority?: number | keyof typeof Priority;
        info?: string;
        beneficiary?: number;
    }): FloorRequest;
    /**
     * Subscribes to the floors' status (FloorQuery; replaces the previous subscription, an empty
     * list ends it). Resolves with the first FloorStatus; every FloorStatus, this one included,
     * is dispatched as a 'floorstatus' event. The subscription is restored after reconnecting.
     * @param {number[]} floorIds
     * @returns {Promise<import('./details.js').FloorStatusDetail>}
     */
    subscribe(floorIds: number[]): Promise<import("./details.js").FloorStatusDetail>;
    /**
     * A chair's decision on a request (ChairAction); resolves on ChairActionAck.
     * @param {{requestId: number, floor: number, status: 'accepted'|'denied'|'revoked'|'granted',
     *          info?: string, queuePosition?: number}} action
     * @returns {Promise<void>}
     */
    chairAction(action: {
        requestId: number;
        floor: number;
        status: "accepted" | "denied" | "revoked" | "granted";
        info?: string;
        queuePosition?: number;
    }): Promise<void>;
    /**
     * The requests of a user (UserQuery; without an ID, this client's user).
     * @param {number} [userId]
     * @returns {Promise<import('./details.js').UserStatusDetail>}
     */
    userQuery(userId?: number): Promise<import("./details.js").UserStatusDetail>;
    /**
     * The status of a floor request (FloorRequestQuery). A FloorRequest of this client with that
     * ID is updated too.
     * @param {number} requestId
     * @returns {Promise<import('./details.js').RequestStatusDetail>}
     */
    requestQuery(requestId: number): Promise<import("./details.js").RequestStatusDetail>;
    /**
     * Ends the association: Goodbye, waits for GoodbyeAck (at most requestTimeoutMs), closes the
     * WebSocket with 1000. No reconnection follows.
     * @returns {Promise<void>}
     */
    close(): Promise<void>;
    /**
     * @private
     * @param {ClientState} s
     */
    private setState;
    /**
     * Opens one WebSocket and does the Hello exchange on it.
     * @private
     * @returns {Promise<void>}
     */
    private dial;
    /**
     * Sends a request and waits for its answer.
     * @private
     * @param {string} what
     * @param {Omit<import('./codec.js').BfcpMessage, 'conference'|'user'|'transaction'>} body
     * @returns {Promise<import('./codec.js').BfcpMessage>}
     */
    private request;
    /**
     * @private
     * @param {string} what
     * @param {Omit<import('./codec.js').BfcpMessage, 'conference'|'user'|'transaction'>} body
     * @param {(m: import('./codec.js').BfcpMessage) => void} answer
     * @param {(e: Error) => void} fail
     */
    private send;
    /**
     * @private
     * @param {unknown} data a WebSocket message's data
     */
    private onFrame;
    /**
     * A FloorRequestStatus: updates the FloorRequest with its ID and tells the application.
     * @private
     * @param {import('./attributes.js').FloorRequestInformation} fri
     */
    private onRequestStatus;
    /**
     * The detail of a FloorRequestStatus answer.
     * @private
     * @param {import('./codec.js').BfcpMessage} m
     * @returns {import('./details.js').RequestStatusDetail}
     */
    private answerDetail;
    /**
     * @private
     * @param {FloorRequest} r
     * @returns {Promise<import('./details.js').RequestStatusDetail>}
     */
    private releaseRequest;
    /**
     * The server ends the association: GoodbyeAck, then the WebSocket close decides. A close with
     * 1001 (Going Away) means the server is stopping or restarting, not that this participant is
     * done: onDrop() reconnects as for any drop. Any other close, or none within
     * GOODBYE_CLOSE_WAIT_MS, closes the client for good.
     * @private
     * @param {number} tid
     */
    private onGoodbye;
    /**
     * The connection dropped after the handshake: reconnect (unless reconnection is off). After
     * the server's Goodbye only a 1001 close reconnects.
     * @private
     * @param {{code?: number, reason?: string}} e
     */
    private onDrop;
    /** @private */
    private cancelGoodbyeWait;
    /**
     * Fails the outstanding transactions; requests the server never answered fail with them.
     * @private
     * @param {Error} e
     */
    private dropInFlight;
    /** @private */
    private scheduleReconnect;
    /**
     * After reconnecting: the floor subscription again, and every request still going asked for
     * (one the server no longer knows is cancelled).
     * @private
     */
    private restore;
    /** @private */
    private cancelReconnect;
    /**
     * Closed for good: requests still going are cancelled, 'close' is dispatched.
     * @private
     * @param {{code: number, reason: string}} detail
     */
    private finish;
    /**
     * @private
     * @param {Error} e
     */
    private emitError;
}
export type FloorRequest = import("./floor_request.js").FloorRequest;
/**
 * The subset of the WebSocket API the client uses (browsers' WebSocket, Node 22's, `ws`).
 */
export type WebSocketLike = {
    binaryType: string;
    readyState: number;
    send: (data: Uint8Array) => void;
    close: (code?: number, reason?: string) => void;
    addEventListener: (type: string, listener: (e: any) => void) => void;
};
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;
export type BfcpClientOptions = {
    /**
     * WebSocket URL, token included (`websocket_uri` of /api/session)
     */
    url: string;
    /**
     * conference ID
     */
    conference: number;
    /**
     * user ID
     */
    user: number;
    /**
     * default globalThis.WebSocket
     */
    WebSocket?: WebSocketConstructor | undefined;
    /**
     * default 5000
     */
    requestTimeoutMs?: number | undefined;
    reconnect?: import("./backoff.js").ReconnectOptions | undefined;
    /**
     * WebSocket sub-protocol, default "bfcp" (matched
     * case-insensitively by the server)
     */
    protocol?: string | undefined;
    /**
     * default globalThis's
     */
    timers?: import("./transactions.js").Timers | undefined;
    /**
     * jitter source, default Math.random
     */
    random?: (() => number) | undefined;
};
export type ClientState = "connecting" | "open" | "reconnecting" | "closed";
import { Priority } from './constants.js';
