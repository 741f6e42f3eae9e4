/// One floor's card: its label, who presents, who waits in which order, your own state and
/// your buttons. Built once from the page's <template>, then updated in place so keyboard
/// focus survives every change.

const POLICY_NAMES = {
  queue: 'Queue',
  preempt: 'Take over',
  chair: 'Chair decides'
};

export class FloorView {
  #el;
  #parts;
  #floor;
  #user;
  #status = {holders: [], queue: []};
  #presenter;
  #refocus = false;

  /// `floor` is the session's floor ({id, label, policy, chair}), `user` your user id,
  /// `presenter` your Presenter for this floor.
  constructor(template, floor, user, presenter) {
    this.#floor = floor;
    this.#user = user;
    this.#presenter = presenter;
    this.#el = template.content.firstElementChild.cloneNode(true);
    this.#el.dataset.floor = String(floor.id);
    const q = (sel) => this.#el.querySelector(sel);
    this.#parts = {
      label: q('.floor-label'),
      policy: q('.floor-policy'),
      presenter: q('.floor-presenter'),
      queueList: q('.queue-list'),
      queueEmpty: q('.queue-empty'),
      myState: q('.my-state'),
      present: q('.present'),
      share: q('.share'),
      stop: q('.stop'),
      cancel: q('.cancel'),
    };
    const label = floor.label || `Floor ${floor.id}`;
    this.#parts.label.textContent = label;
    this.#parts.policy.textContent = POLICY_NAMES[floor.policy] ?? floor.policy ?? '';
    this.#parts.policy.hidden = !this.#parts.policy.textContent;
    const headingId = `floor-${floor.id}-label`;
    this.#parts.label.id = headingId;
    this.#el.setAttribute('aria-labelledby', headingId);
    this.#parts.present.setAttribute('aria-label', `Present on ${label}`);
    this.#parts.present.addEventListener('click', () => presenter.present());
    this.#parts.share.addEventListener('click', () => presenter.shareScreen());
    this.#parts.stop.addEventListener('click', () => presenter.stop('stopped'));
    this.#parts.cancel.addEventListener('click', () => presenter.stop('cancelled'));
    presenter.addEventListener('change', () => this.render());
    /// False while the client is not connected: "Present" waits for the connection.
    this.connected = false;
    this.render();
  }

  /// The card's root element (an <li>).
  get element() {
    return this.#el;
  }

  /// Shows a new FloorStatus ({holders, queue}).
  showStatus(status) {
    this.#status = status;
    this.render();
  }

  render() {
    const p = this.#parts;
    const {holders, queue} = this.#status;
    p.presenter.textContent = holders.length ?
        `Presenting now: ${holders.map((h) => this.#name(h)).join(', ')}` :
        'Nobody is presenting.';
    p.presenter.classList.toggle('live', holders.length > 0);

    const ordered = [...queue].sort((a, b) => (a.position || Infinity) - (b.position || Infinity));
    p.queueList.replaceChildren(...ordered.map((entry) => this.#queueItem(entry)));
    p.queueEmpty.hidden = ordered.length > 0;

    const presenter = this.#presenter;
    this.#el.dataset.state = presenter.phase === 'sharing' || presenter.phase === 'granted' ?
        'presenting' :
        presenter.phase === 'waiting' ? 'waiting' :
                                        'idle';
    p.myState.textContent = this.#myState();

    const focused = this.#el.contains(document.activeElement) ? document.activeElement : null;
    const phase = presenter.phase;
    p.present.hidden = phase !== 'idle';
    p.present.disabled = !this.connected;
    p.cancel.hidden = phase !== 'waiting' && phase !== 'requesting';
    p.stop.hidden = phase !== 'granted' && phase !== 'sharing';
    p.share.hidden = !(phase === 'granted' && presenter.needsClick);
    // A button that disappears under the keyboard focus hands it to the one that replaced it;
    // while none is shown (a request on its way) the state line holds it until one is.
    const next = [p.share, p.stop, p.cancel, p.present].find((b) => !b.hidden);
    if (focused?.tagName === 'BUTTON' && focused.hidden) {
      this.#refocus = !next;
      (next ?? p.myState).focus();
    } else if (
        this.#refocus && next &&
        (focused === p.myState || document.activeElement === document.body)) {
      this.#refocus = false;
      next.focus();
    }
  }

  #myState() {
    const pr = this.#presenter;
    if (!this.connected && pr.phase === 'idle') return pr.note || 'Waiting for the connection…';
    switch (pr.phase) {
      case 'requesting':
        return 'Asking for the floor…';
      case 'waiting':
        if (this.#floor.policy === 'chair' && pr.waitingAs === 'pending')
          return 'Waiting for the chair to decide…';
        if (pr.position > 0) return `You are number ${pr.position} in line.`;
        return 'Waiting for the floor…';
      case 'granted':
        return pr.note || 'The floor is yours. Starting screen sharing…';
      case 'sharing':
        return 'You are presenting. Your conferencing system shows your screen to the others.';
      case 'ending':
        return 'Stopping…';
      default:
        return pr.note || 'You are not presenting.';
    }
  }

  #queueItem(entry) {
    const li = document.createElement('li');
    li.textContent = this.#name(entry);
    if (entry.status === 'pending' && this.#floor.policy === 'chair') {
      const tag = document.createElement('span');
      tag.className = 'tag';
      tag.textContent = 'awaits the chair';
      li.append(' ', tag);
    }
    if (this.#isMine(entry)) li.classList.add('me');
    return li;
  }

  #isMine(entry) {
    return entry.user === this.#user ||
        (entry.requestId > 0 && entry.requestId === this.#presenter.requestId);
  }

  #name(entry) {
    const mine = this.#isMine(entry);
    // A server that names nobody in FloorStatus still lets you tell yourself from the others.
    const name = entry.displayName ||
        (entry.user !== undefined ? `User ${entry.user}` :
             mine ? 'You' :
                    'Another participant');
    return mine && name !== 'You' ? `${name} (you)` : name;
  }
}
