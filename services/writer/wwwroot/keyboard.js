// The keyboard flow: j/k between cards, x select, a approve, r reject, h history, / filters.
import { $ } from './dom.js';

function currentCard() {
  return document.activeElement?.closest?.('#queue .card') ?? null;
}

function moveFocus(step) {
  const cards = [...$('queue').children];
  if (!cards.length) return;
  const index = cards.indexOf(currentCard());
  const next = cards[index < 0 ? 0 : Math.max(0, Math.min(cards.length - 1, index + step))];
  next.querySelector('article').focus();
  next.scrollIntoView({ block: 'nearest' });
}

export function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (document.querySelector('dialog[open]') || $('workspace').hidden) return;
  if (event.target.closest('input, select, textarea')) return;
  const card = currentCard();
  const act = {
    j: () => moveFocus(1),
    k: () => moveFocus(-1),
    '/': () => $('filter-source').focus(),
    x: () => card?.querySelector('.select').click(),
    a: () => card?.querySelector('[data-action="approve"]:not(:disabled)')?.click(),
    r: () => card?.querySelector('[data-action="reject"]:not(:disabled)')?.click(),
    h: () => card?.querySelector('[data-action="history"]').click(),
  }[event.key];
  if (act) {
    event.preventDefault();
    act();
  }
}
