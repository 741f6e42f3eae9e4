/// What a person sees and presses in the web app, for tests: the floor card, the buttons, the
/// connection badge, the preview, the chair panel. Every wait is bounded by the page's timeout.

/// One page of the app, for the floor `floor`.
export class MeetingPage {
  constructor(page, floor = 1) {
    this.page = page;
    this.card = page.locator(`.floor[data-floor="${floor}"]`);
  }

  /// Waits until the connection badge shows `state` ('open', 'reconnecting', 'closed').
  async connection(state) {
    await this.page.locator(`#connection[data-state="${state}"]`).waitFor();
  }

  /// Waits until your own state on the floor contains `text`.
  async myState(text) {
    await this.card.locator('.my-state', {hasText: text}).waitFor();
  }

  /// Waits until the floor says who presents (`name`, or nobody when null).
  async presenter(name) {
    const text = name === null ? 'Nobody is presenting.' : `Presenting now: ${name}`;
    await this.card.locator('.floor-presenter', {hasText: text}).waitFor();
  }

  /// The names in the floor's waiting list, in order.
  waiting() {
    return this.card.locator('.queue-list li').allInnerTexts();
  }

  /// Presses a button of the floor card by its visible caption.
  async press(caption) {
    await this.card.getByRole('button', {name: caption}).click();
  }

  /// Presses "Present".
  present() {
    return this.card.locator('button.present').click();
  }

  /// After a grant: presses "Share my screen" when the browser wanted a fresh click, then waits
  /// until the page presents.
  async sharing() {
    const share = this.card.locator('button.share');
    const presenting = this.card.locator('.my-state', {hasText: 'You are presenting'});
    await Promise.race([share.waitFor(), presenting.waitFor()]);
    if (await share.isVisible()) await share.click();
    await presenting.waitFor();
  }

  /// Waits until the local preview plays a captured picture.
  async previewPlaying() {
    await this.page.waitForFunction(() => {
      const v = document.getElementById('preview');
      return v && !v.hidden && v.srcObject && v.videoWidth > 0;
    });
  }

  /// True while the preview is shown.
  previewShown() {
    return this.page.locator('#preview').isVisible();
  }

  /// True while any captured track is still live.
  captureLive() {
    return this.page.evaluate(() => {
      const s = document.getElementById('preview').srcObject;
      return !!s && s.getTracks().some((t) => t.readyState === 'live');
    });
  }

  /// The 'floorctl:*' event names dispatched so far, in order.
  events() {
    return this.page.evaluate(() => window.floorctlEvents.map((e) => e.type));
  }

  /// The chair panel's row for `name`.
  chairRow(name) {
    return this.page.locator('#chair-requests li', {hasText: name});
  }

  /// Presses `caption` ('Accept', 'Deny', 'Revoke') in the chair panel's row for `name`.
  async chair(name, caption) {
    await this.chairRow(name).getByRole('button', {name: new RegExp(`^${caption} `)}).click();
  }

  /// The alert text shown above the meeting.
  async notice(text) {
    await this.page.locator('#notice', {hasText: text}).waitFor();
  }
}
