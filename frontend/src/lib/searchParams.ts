/**
 * The address's query with `key` set to `value`, or without `key` when `value` is `any`: the next
 * state of a list's filters. Built from the address itself, not from the params of the last
 * render: the router renders a navigation in a transition, so a second filter changed before that
 * render (a slow device, a quick hand) would otherwise undo the first.
 */
export function paramsWith(key: string, value: string, any: string): URLSearchParams {
  const next = new URLSearchParams(window.location.search);
  if (value === any) next.delete(key);
  else next.set(key, value);
  return next;
}
