/** Told by the notification centre after marking read, so that the header's count follows at once. */
export const UNREAD_CHANGED = 'teilhabe:unread-changed';

export function announceUnreadChanged() {
  window.dispatchEvent(new Event(UNREAD_CHANGED));
}
