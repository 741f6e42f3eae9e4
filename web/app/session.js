/// The join token and what the server says about it (GET /api/session).

/// Why a join link cannot be used, in words for the person holding it.
export const LINK_EXPIRED_MESSAGE = 'This join link has expired — ask for a new one.';
const NO_TOKEN_MESSAGE = 'This page needs a join link with a token — ask for a new one.';
const UNREACHABLE_MESSAGE =
    'The meeting server cannot be reached. Check your connection and reload the page.';

/// The token in this page's address (`?token=…`), or '' when there is none.
export function tokenFromLocation(location = globalThis.location) {
  return new URLSearchParams(location.search).get('token') ?? '';
}

/// A session that cannot be used; `expired` is true when the server no longer knows the token.
export class SessionError extends Error {
  constructor(message, {expired = false} = {}) {
    super(message);
    this.name = 'SessionError';
    this.expired = expired;
  }
}

/// Asks the server for the meeting this token joins. Resolves with the session object of the
/// contract ({conference, conference_name, user, display_name, websocket_uri, floors, expires_in});
/// rejects with a SessionError whose message can be shown as it is.
export async function fetchSession(token, fetchImpl = globalThis.fetch) {
  if (!token) throw new SessionError(NO_TOKEN_MESSAGE, {expired: true});
  let response;
  try {
    response = await fetchImpl(`/api/session?token=${encodeURIComponent(token)}`, {
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch {
    throw new SessionError(UNREACHABLE_MESSAGE);
  }
  if (response.status === 401 || response.status === 403) {
    throw new SessionError(LINK_EXPIRED_MESSAGE, {expired: true});
  }
  if (!response.ok)
    throw new SessionError(
        `The meeting server answered ${response.status}. Reload the page to try again.`);
  return response.json();
}
