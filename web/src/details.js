/// What the client hands to applications: decoded FLOOR-REQUEST-INFORMATION, FloorStatus and
/// UserStatus turned into plain status records with lower-case status names.

import {requestStatusName} from './constants.js';

/**
 * A floor request's status as the client reports it.
 * @typedef {Object} RequestStatusDetail
 * @property {number} requestId
 * @property {import('./constants.js').RequestStatusName} status
 * @property {number} queuePosition 0 when not queued
 * @property {string} statusInfo STATUS-INFO text ('' when none)
 * @property {import('./attributes.js').FloorRequestInformation} [info] the decoded attribute
 */

/**
 * A holder of a floor (FloorStatus).
 * @typedef {Object} FloorHolder
 * @property {number} requestId
 * @property {number | undefined} user beneficiary, else the requester
 * @property {string | undefined} displayName
 * @property {import('./constants.js').RequestStatusName} status
 */

/**
 * A queued request of a floor (FloorStatus).
 * @typedef {FloorHolder & {position: number}} FloorQueueEntry
 */

/**
 * The 'floorstatus' event's detail.
 * @typedef {Object} FloorStatusDetail
 * @property {number | undefined} floor
 * @property {FloorHolder[]} holders requests granted the floor
 * @property {FloorQueueEntry[]} queue pending and accepted requests, by queue position
 * @property {import('./attributes.js').FloorRequestInformation[]} requests every request as sent
 */

/**
 * A user as the server describes it (UserStatus).
 * @typedef {Object} UserStatusDetail
 * @property {import('./attributes.js').UserInformation | undefined} user
 * @property {RequestStatusDetail[]} requests
 */

/**
 * The status group that speaks for a request: OVERALL-REQUEST-STATUS when it has a status,
 * else the FLOOR-REQUEST-STATUS of `floor` (or the first with a status).
 * @param {import('./attributes.js').FloorRequestInformation} fri
 * @param {number} [floor]
 * @returns {import('./attributes.js').StatusGroup | undefined}
 */
function statusGroupOf(fri, floor) {
  if (fri.overall?.status !== undefined) return fri.overall;
  return (
      fri.floors.find((g) => g.floor === floor && g.status !== undefined) ??
      fri.floors.find((g) => g.status !== undefined));
}

/**
 * @param {import('./attributes.js').FloorRequestInformation} fri
 * @param {number} [floor]
 * @returns {RequestStatusDetail | undefined} undefined when the group carries no status
 */
export function requestDetail(fri, floor) {
  const g = statusGroupOf(fri, floor);
  if (g?.status === undefined) return undefined;
  return {
    requestId: fri.id,
    status: requestStatusName(g.status),
    queuePosition: g.queuePosition ?? 0,
    statusInfo: g.statusInfo ?? fri.overall?.statusInfo ?? '',
    info: fri,
  };
}

/**
 * @param {import('./codec.js').BfcpMessage} m a FloorStatus
 * @returns {FloorStatusDetail}
 */
export function floorStatusDetail(m) {
  const requests = m.requests ?? [];
  /** @type {FloorHolder[]} */
  const holders = [];
  /** @type {FloorQueueEntry[]} */
  const queue = [];
  for (const fri of requests) {
    const d = requestDetail(fri, m.floor);
    if (!d) continue;
    const who = fri.beneficiary ?? fri.requestedBy;
    const entry = {
      requestId: fri.id,
      user: who?.id,
      displayName: fri.beneficiary?.displayName ?? fri.requestedBy?.displayName,
      status: d.status,
    };
    if (d.status === 'granted')
      holders.push(entry);
    else if (d.status === 'pending' || d.status === 'accepted')
      queue.push({...entry, position: d.queuePosition});
  }
  queue.sort((a, b) => a.position - b.position);
  return {floor: m.floor, holders, queue, requests};
}

/**
 * @param {import('./codec.js').BfcpMessage} m a UserStatus
 * @returns {UserStatusDetail}
 */
export function userStatusDetail(m) {
  const requests = [];
  for (const fri of m.requests ?? []) {
    const d = requestDetail(fri);
    if (d) requests.push(d);
  }
  return {user: m.beneficiaryInfo, requests};
}
