/// DOM events for a page that embeds this app: each is a CustomEvent on window named
/// 'floorctl:<what>', its detail an object. A conferencing integration listens to them to start
/// and stop sending the shared screen, which floorctl itself never carries.
///
///   floorctl:connection  {state} 'connecting'|'open'|'reconnecting'|'closed' floorctl:requested
///   {floor, requestId} floorctl:queued      {floor, requestId, position} floorctl:granted {floor,
///   requestId} floorctl:sharing     {floor, requestId, stream}    the MediaStream to send
///   floorctl:released    {floor, requestId, reason} 'stopped'|'revoked'|'cancelled'|'disconnected'
///   floorctl:denied      {floor, requestId}
///   floorctl:revoked     {floor, requestId}
///   floorctl:floorstatus {floor, holders, queue}

/// Dispatches 'floorctl:<name>' with `detail` on `target` (window by default).
export function announce(name, detail, target = globalThis) {
  target.dispatchEvent(new CustomEvent(`floorctl:${name}`, {detail}));
}
