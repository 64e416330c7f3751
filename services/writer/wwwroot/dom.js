// Builds DOM from data without ever parsing markup: every string becomes a text node or an attribute value.
// Nothing here uses innerHTML, so ticket text full of HTML and script is shown as text.

/** h('p', { class: 'meta' }, 'text', child, …): attributes go through setAttribute, children through append. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) throw new Error('no inline handlers: use addEventListener');
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else if (child instanceof Node) element.append(child);
    else element.append(document.createTextNode(String(child)));
  }
}

/** Text shown to screen readers only (e.g. which write an "Approve" button decides). */
export const hidden = (text) => h('span', { class: 'visually-hidden' }, text);

export function clear(element) {
  element.replaceChildren();
  return element;
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** "5 minutes ago" / "in 3 days", for an ISO date. */
export function ago(iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const steps = [[60, 'second'], [3600, 'minute', 60], [86400, 'hour', 3600], [Infinity, 'day', 86400]];
  for (const [limit, unit, size = 1] of steps) {
    if (Math.abs(seconds) < limit) return relative.format(Math.round(seconds / size), unit);
  }
  return '';
}

/** A <time> element: relative text, the exact date on hover and for machines. */
export function time(iso) {
  if (!iso) return h('span', {}, '—');
  const date = new Date(iso);
  return h('time', { datetime: date.toISOString(), title: absolute.format(date) }, ago(iso));
}

export const formatDate = (iso) => absolute.format(new Date(iso));

/** The page's element with this id. */
export const $ = (id) => document.getElementById(id);
