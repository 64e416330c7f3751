// The queue: loads what the page shows (pending writes, held batches, recent decisions, escalations) and renders it
// in place, so a card that stays keeps its focus, selection and typed reason.
import { api } from './api.js';
import { $, h, ago } from './dom.js';
import { writeCard, batchCard, recentRow, classificationOf, signature } from './render.js';
import { loadEscalations } from './escalations.js';
import { state, writes } from './state.js';
import { say } from './status.js';
import { handleError } from './session.js';

const DECIDED = ['Applying', 'Applied', 'Rejected', 'Failed'];

let refreshing = null;
let refreshAgain = false;

/** Loads everything the page shows; calls made while one runs are folded into one more. */
export async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      try {
        await load();
      } catch (e) {
        handleError(e, 'Could not load the queue');
      }
    } while (refreshAgain);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

async function load() {
  const [pending, batches, ...decided] = await Promise.all([
    api.writes('AwaitingApproval'),
    api.batches(),
    ...DECIDED.map((s) => api.writes(s, 20)),
  ]);
  state.batches = batches;
  state.held = batches && batches.length ? await api.writes('HeldForBulkReview', 1000) : [];
  state.pending = pending;

  const ids = new Set(pending.map((w) => w.id));
  if (state.known) {
    const arrived = pending.filter((w) => !state.known.has(w.id)).length;
    if (arrived) say(`${writes(arrived)} arrived for review.`);
  }
  state.known = ids;
  for (const id of [...state.selected]) if (!ids.has(id)) state.selected.delete(id);
  for (const id of [...state.deciding.keys()]) if (!ids.has(id)) state.deciding.delete(id);
  const batchIds = new Set((batches ?? []).map((b) => b.batchId));
  for (const id of [...state.notes.keys()]) if (!ids.has(id) && !batchIds.has(id)) state.notes.delete(id);

  renderFilterOptions();
  renderQueue();
  renderBatches();
  renderRecent(decided.flat());
  await loadEscalations($('who-name').textContent);
}

function renderFilterOptions() {
  for (const [select, field] of [[$('filter-source'), 'source'], [$('filter-kind'), 'kind']]) {
    const values = [...new Set(state.pending.map((w) => w[field]))].sort();
    const current = select.value;
    const existing = [...select.options].slice(1).map((o) => o.value);
    if (existing.join('\n') === values.join('\n')) continue;
    select.replaceChildren(select.options[0], ...values.map((v) => h('option', { value: v }, v)));
    select.value = values.includes(current) ? current : '';
  }
}

function matchesFilters(write, now = Date.now()) {
  const source = $('filter-source').value;
  const kind = $('filter-kind').value;
  const priority = $('filter-priority').value;
  const age = $('filter-age').value;
  if (source && write.source !== source) return false;
  if (kind && write.kind !== kind) return false;
  if (priority && classificationOf(write)?.priority !== priority) return false;
  if (age) {
    const [op, seconds] = age.split(':');
    const elapsed = (now - new Date(write.proposedAt).getTime()) / 1000;
    if (op === 'lt' ? elapsed >= Number(seconds) : elapsed <= Number(seconds)) return false;
  }
  return true;
}

/** Updates the list in place: cards that stay keep their focus, selection and typed reason. */
export function renderQueue() {
  const list = $('queue');
  const shown = state.pending.filter((w) => matchesFilters(w)); // the API answers newest first
  // Only what the approver can see stays selected: a filter never hides a write that a bulk action would decide.
  const shownIds = new Set(shown.map((w) => w.id));
  for (const id of [...state.selected]) if (!shownIds.has(id)) state.selected.delete(id);
  const focused = document.activeElement?.closest?.('.card');
  const focusedIndex = focused ? [...list.children].indexOf(focused) : -1;

  const existing = new Map([...list.children].map((li) => [li.dataset.id, li]));
  const cards = shown.map((write) => {
    let card = existing.get(write.id);
    if (!card || card.dataset.signature !== signature(write)) card = writeCard(write);
    syncCard(card, write.id);
    return card;
  });
  reconcile(list, cards);

  if (focused && !focused.isConnected) {
    const next = list.children[Math.min(focusedIndex, list.children.length - 1)];
    (next?.querySelector('article') ?? $('queue-title')).focus();
  }

  const total = state.pending.length;
  $('queue-count').textContent = shown.length === total ? `(${total})` : `(${shown.length} of ${total} shown)`;
  $('empty').hidden = shown.length > 0;
  $('empty').textContent = total ? 'No pending write matches the filters.' : 'Nothing waits for a decision.';
  renderSelection();
}

export function syncCard(card, id) {
  card.querySelector('.select').checked = state.selected.has(id);
  for (const t of card.querySelectorAll('time')) t.textContent = ago(t.dateTime);
  const deciding = state.deciding.get(id);
  card.classList.toggle('deciding', Boolean(deciding));
  for (const button of card.querySelectorAll('button.approve, button.reject')) button.disabled = Boolean(deciding);
  if (deciding) card.querySelector('.card-status').textContent = deciding === 'approve' ? 'Approved; waiting for the writer…' : 'Rejected; waiting for the writer…';
  else if (state.notes.has(id)) card.querySelector('.card-status').textContent = state.notes.get(id);
}

export function renderSelection() {
  const shownIds = [...$('queue').children].map((li) => li.dataset.id);
  const count = state.selected.size;
  $('selection-count').textContent = `${count} selected`;
  $('approve-selected').disabled = count === 0;
  $('reject-selected').disabled = count === 0;
  const all = $('select-all');
  all.checked = shownIds.length > 0 && shownIds.every((id) => state.selected.has(id));
  all.indeterminate = !all.checked && shownIds.some((id) => state.selected.has(id));
}

/** Like the queue: a batch that did not change keeps its element (open examples, typed reason, focus). */
function renderBatches() {
  const batches = state.batches ?? [];
  $('bulk').hidden = batches.length === 0;
  const container = $('batches');
  const existing = new Map([...container.children].map((article) => [article.dataset.batch, article]));
  const articles = batches.map((batch) => {
    const members = state.held.filter((w) => w.batchId === batch.batchId);
    const key = JSON.stringify([batch.count, batch.reason, batch.contentHash, members.map((w) => w.id)]);
    let article = existing.get(batch.batchId);
    if (!article || article.dataset.key !== key) {
      const fresh = batchCard(batch, members);
      if (article) {
        fresh.querySelector('details').open = article.querySelector('details').open;
        fresh.querySelector('.reason-input').value = article.querySelector('.reason-input').value;
      }
      fresh.dataset.key = key;
      article = fresh;
    }
    if (state.notes.has(batch.batchId)) article.querySelector('.card-status').textContent = state.notes.get(batch.batchId);
    return article;
  });
  reconcile(container, articles);
}

/** Puts elements in order in container, moving only what moved (a moved or removed element loses focus). */
function reconcile(container, elements) {
  elements.forEach((element, i) => {
    if (container.children[i] !== element) container.insertBefore(element, container.children[i] ?? null);
  });
  while (container.children.length > elements.length) container.lastElementChild.remove();
}

function renderRecent(decided) {
  const rows = decided
    .filter((w) => w.decidedAt)
    .sort((a, b) => new Date(b.decidedAt) - new Date(a.decidedAt))
    .slice(0, 12)
    .map(recentRow);
  $('recent').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: '2' }, 'No decisions yet.'))]));
}
