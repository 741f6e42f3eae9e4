/// The chair's panel: for every floor you chair, the requests waiting for a decision (Accept,
/// Deny) and the current presenters (Revoke). Each button sends one ChairAction.

export class ChairView {
  #root;
  #list;
  #empty;
  #heading;
  #floors = new Map();  // floor id -> {label, status}
  #onAction;
  #user;

  /// `floors` are the session's floors this user chairs, `user` its user id;
  /// `onAction({requestId, floor, status})` sends the ChairAction and resolves when the server
  /// answered.
  constructor(root, floors, user, onAction) {
    this.#root = root;
    this.#user = user;
    this.#list = root.querySelector('#chair-requests');
    this.#empty = root.querySelector('#chair-empty');
    this.#heading = root.querySelector('#chair-heading');
    this.#onAction = onAction;
    for (const f of floors)
      this.#floors.set(f.id, {label: f.label || `Floor ${f.id}`, status: null});
    root.querySelector('#chair-floors').textContent =
        [...this.#floors.values()].map((f) => f.label).join(', ');
    root.hidden = floors.length === 0;
    this.#list.addEventListener('click', (e) => this.#clicked(e));
    this.render();
  }

  /// True when `floor` is one of yours.
  chairs(floor) {
    return this.#floors.has(floor);
  }

  /// Shows a FloorStatus of a chaired floor.
  showStatus(floor, status) {
    const f = this.#floors.get(floor);
    if (!f) return;
    f.status = status;
    this.render();
  }

  render() {
    const hadFocus = this.#list.contains(document.activeElement);
    const items = [];
    for (const [id, f] of this.#floors) {
      if (!f.status) continue;
      for (const h of f.status.holders) {
        items.push(this.#item(
            id, f.label, h, `presents on ${f.label}`, [['revoked', 'Revoke', 'danger']]));
      }
      const queue =
          [...f.status.queue].sort((a, b) => (a.position || Infinity) - (b.position || Infinity));
      for (const q of queue) {
        const accepted = q.status === 'accepted';
        const actions = accepted ?
            [['denied', 'Deny', 'danger']] :
            [['accepted', 'Accept', 'primary'], ['denied', 'Deny', 'danger']];
        items.push(this.#item(
            id, f.label, q,
            accepted ? `accepted, waits for ${f.label}` : `asks to present on ${f.label}`,
            actions));
      }
    }
    this.#list.replaceChildren(...items);
    this.#empty.hidden = items.length > 0;
    // The pressed button went with its row: keep the keyboard in the panel.
    if (hadFocus && !this.#list.contains(document.activeElement)) this.#heading.focus();
  }

  #item(floor, label, entry, what, actions) {
    const li = document.createElement('li');
    li.className = 'chair-request';
    const text = document.createElement('span');
    const named = entry.displayName ||
        (entry.user !== undefined ? `User ${entry.user}` : `Request ${entry.requestId}`);
    const name = entry.user === this.#user ? `${named} (you)` : named;
    const strong = document.createElement('strong');
    strong.textContent = name;
    text.append(strong, ` ${what}`);
    const buttons = document.createElement('span');
    buttons.className = 'actions';
    for (const [status, caption, kind] of actions) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = `button small ${kind}`;
      b.textContent = caption;
      b.setAttribute('aria-label', `${caption} ${name} on ${label}`);
      b.dataset.requestId = String(entry.requestId);
      b.dataset.floor = String(floor);
      b.dataset.status = status;
      buttons.append(b);
    }
    li.append(text, buttons);
    return li;
  }

  async #clicked(e) {
    const b = e.target.closest('button[data-status]');
    if (!b) return;
    b.disabled = true;
    try {
      await this.#onAction({
        requestId: Number(b.dataset.requestId),
        floor: Number(b.dataset.floor),
        status: b.dataset.status
      });
    } finally {
      b.disabled = false;
    }
  }
}
