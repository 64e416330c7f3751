// The approval page: sign in, show the queue, send decisions through the approval API, refresh on change.
import { api, token, followChanges, pollChanges, AuthError } from './api.js';
import { h, clear, ago } from './dom.js';
import { writeCard, batchCard, recentRow, historyTable, classificationOf, signature } from './render.js';
import { loadEscalations, wireEscalations } from './escalations.js';

const $ = (id) => document.getElementById(id);
const DECIDED = ['Applying', 'Applied', 'Rejected', 'Failed'];
const PARALLEL_DECISIONS = 4;
const PAST = { approve: 'approved', reject: 'rejected' };
const writes = (n) => `${n} ${n === 1 ? 'write' : 'writes'}`;

const state = {
  pending: [],
  held: [],
  batches: null,
  known: null, // ids seen at the last refresh, to announce new arrivals
  selected: new Set(),
  deciding: new Map(), // id → "approve" | "reject" while the saga has not moved yet
  notes: new Map(), // id (write or batch) → why its last decision was not taken, shown until it is decided or gone
  watch: null,
  version: null,
};

// ---------- status, dialogs ----------

function say(message) {
  // Re-set even when equal, so a repeated message is announced again.
  $('status').textContent = '';
  setTimeout(() => { $('status').textContent = message; }, 50);
}

function confirmAction(title, text, okLabel) {
  const dialog = $('confirm-dialog');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = okLabel;
  return new Promise((resolve) => {
    const finish = (answer) => {
      $('confirm-ok').removeEventListener('click', ok);
      $('confirm-cancel').removeEventListener('click', cancel);
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const ok = () => finish(true);
    const cancel = (e) => { e?.preventDefault?.(); finish(false); };
    $('confirm-ok').addEventListener('click', ok);
    $('confirm-cancel').addEventListener('click', cancel);
    dialog.addEventListener('cancel', cancel);
    dialog.showModal();
    $('confirm-cancel').focus(); // the safe choice has the focus
  });
}

// ---------- sign in / out ----------

async function signIn(candidate) {
  token.set(candidate);
  try {
    const me = await api.me();
    $('who-name').textContent = me.name;
    $('who').hidden = false;
    $('sign-in').hidden = true;
    $('workspace').hidden = false;
    $('sign-in-error').textContent = '';
    say(`Signed in as ${me.name}.`);
    startWatching();
    await refresh();
    $('queue-title').focus();
  } catch (e) {
    token.clear();
    showSignIn(e instanceof AuthError ? 'That token was not accepted.' : `Could not reach the writer: ${e.message}`);
  }
}

function showSignIn(message = '') {
  stopWatching();
  $('who').hidden = true;
  $('workspace').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  clear($('queue'));
  state.known = null;
  state.selected.clear();
  $('token').value = '';
  $('token').focus();
}

function signOut(message) {
  token.clear();
  showSignIn(message);
  say(message || 'Signed out.');
}

function handleError(e, what) {
  if (e instanceof AuthError) {
    signOut('Your session ended: the writer no longer accepts the token. Sign in again.');
    return;
  }
  say(`${what}: ${e.message}`);
}

// ---------- loading and rendering ----------

let refreshing = null;
let refreshAgain = false;

/** Loads everything the page shows; calls made while one runs are folded into one more. */
async function refresh() {
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
function renderQueue() {
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

function syncCard(card, id) {
  card.querySelector('.select').checked = state.selected.has(id);
  for (const t of card.querySelectorAll('time')) t.textContent = ago(t.dateTime);
  const deciding = state.deciding.get(id);
  card.classList.toggle('deciding', Boolean(deciding));
  for (const button of card.querySelectorAll('button.approve, button.reject')) button.disabled = Boolean(deciding);
  if (deciding) card.querySelector('.card-status').textContent = deciding === 'approve' ? 'Approved; waiting for the writer…' : 'Rejected; waiting for the writer…';
  else if (state.notes.has(id)) card.querySelector('.card-status').textContent = state.notes.get(id);
}

function renderSelection() {
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

// ---------- decisions ----------

const writeById = (id) => state.pending.find((w) => w.id === id);

/** What a refused decision tells the approver: a write (or batch) that changed since they saw it is shown anew. */
function refusal(e, verb) {
  if (e.status === 409 && e.body?.current) return `Not ${verb}: it changed since you saw it. The current version is shown now: review it and decide again.`;
  return `Not ${verb}: ${e.message}`;
}

async function decide(id, decision, reason, body) {
  const write = writeById(id);
  const card = document.querySelector(`.card[data-id="${CSS.escape(id)}"]`);
  const subject = write?.subject || 'the write';
  // The version on the screen, not the one loaded last: that is what the approver decides on.
  const contentHash = card?.dataset.contentHash || write?.contentHash;
  try {
    const answer = decision === 'approve' ? await api.approve(id, reason, contentHash, body) : await api.reject(id, reason, contentHash);
    state.notes.delete(id);
    state.deciding.set(id, decision);
    if (card) syncCard(card, id);
    say(`${decision === 'approve' ? 'Approved' : 'Rejected'}: ${subject}.${answer?.note ? ` ${answer.note}` : ''}`);
    return { id, ok: true };
  } catch (e) {
    if (e instanceof AuthError) throw e;
    const note = refusal(e, PAST[decision]);
    state.notes.set(id, note);
    if (card) card.querySelector('.card-status').textContent = note;
    return { id, ok: false, error: note };
  }
}

async function decideOne(card, decision) {
  const id = card.dataset.id;
  const reason = card.querySelector('.reason-input').value.trim();
  // A drafted text the approver changed goes with the approval; left as proposed, nothing is sent for it.
  const draft = card.querySelector('.draft-text');
  const body = draft && draft.value !== draft.dataset.proposed ? draft.value : undefined;
  try {
    const result = await decide(id, decision, reason, body);
    if (!result.ok) say(result.error);
  } catch (e) {
    handleError(e, 'Decision failed');
  }
  refresh();
}

async function decideSelection(decision) {
  const ids = [...state.selected];
  if (!ids.length) return;
  const verb = decision === 'approve' ? 'Approve' : 'Reject';
  const ok = await confirmAction(`${verb} ${writes(ids.length)}?`,
    `Each selected write gets its own ${decision === 'approve' ? 'approval' : 'rejection'}, with the reason you typed.`,
    `${verb} ${ids.length}`);
  if (!ok) return;
  const reason = $('selection-reason').value.trim();
  const results = [];
  const queue = [...ids];
  try {
    await Promise.all(Array.from({ length: Math.min(PARALLEL_DECISIONS, queue.length) }, async () => {
      while (queue.length) results.push(await decide(queue.shift(), decision, reason));
    }));
  } catch (e) {
    handleError(e, 'Decisions failed');
    return;
  }
  const failed = results.filter((r) => !r.ok);
  for (const r of results) if (r.ok) state.selected.delete(r.id);
  $('selection-reason').value = '';
  say(`${verb === 'Approve' ? 'Approved' : 'Rejected'} ${results.length - failed.length} of ${ids.length}.` +
    (failed.length ? ` Not decided: ${failed.map((f) => f.error).join('; ')}` : ''));
  renderSelection();
  refresh();
}

async function decideBatch(article, action) {
  const batchId = article.dataset.batch;
  const batch = (state.batches ?? []).find((b) => b.batchId === batchId);
  if (!batch) return;
  const release = action === 'release';
  const ok = await confirmAction(`${release ? 'Release' : 'Reject'} ${writes(batch.count)}?`,
    release
      ? `Every ${batch.kind} write in this batch goes on as usual: into the queue for a decision each, or applied at once where the policy needs no approval.`
      : `Every ${batch.kind} write in this batch will be rejected.`,
    release ? `Release ${batch.count}` : `Reject ${batch.count}`);
  if (!ok) return;
  const reason = article.querySelector('.reason-input').value.trim();
  const contentHash = article.dataset.contentHash;
  try {
    if (release) await api.releaseBatch(batchId, reason, contentHash);
    else await api.rejectBatch(batchId, reason, contentHash);
    state.notes.delete(batchId);
    say(`Batch of ${writes(batch.count)} (${batch.kind}) ${release ? 'released' : 'rejected'}.`);
  } catch (e) {
    if (e instanceof AuthError) return handleError(e, '');
    const note = refusal(e, release ? 'released' : 'rejected');
    state.notes.set(batchId, note);
    article.querySelector('.card-status').textContent = note;
  }
  refresh();
}

async function showHistory(write) {
  const dialog = $('history-dialog');
  $('history-title').textContent = `History of ticket ${write.source} ${write.externalId}`;
  const body = clear($('history-body'));
  body.append(h('p', { class: 'subject-small' }, write.subject || '(no subject)'));
  try {
    body.append(historyTable(await api.history(write.source, write.externalId)));
  } catch (e) {
    if (e instanceof AuthError) return handleError(e, '');
    body.append(h('p', { class: 'error' }, `Could not load the history: ${e.message}`));
  }
  if (!dialog.open) dialog.showModal();
  $('history-close').focus();
}

// ---------- live updates ----------

function onVersion(version) {
  if (version.version === state.version) return;
  state.version = version.version;
  refresh();
}

function startWatching() {
  stopWatching();
  const controller = new AbortController();
  state.watch = controller;
  (async () => {
    while (!controller.signal.aborted) {
      try {
        $('live').textContent = 'live';
        await followChanges(onVersion, controller.signal);
      } catch (e) {
        if (controller.signal.aborted) return;
        if (e instanceof AuthError) return handleError(e, '');
      }
      if (controller.signal.aborted) return;
      // No stream (a proxy that buffers, a restart): poll for a while, then try streaming again.
      $('live').textContent = 'polling';
      const pause = new AbortController();
      const stop = () => pause.abort();
      controller.signal.addEventListener('abort', stop, { once: true });
      setTimeout(stop, 30000);
      try {
        await pollChanges(onVersion, pause.signal);
      } catch (e) {
        if (e instanceof AuthError) return handleError(e, '');
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
  })();
}

function stopWatching() {
  state.watch?.abort();
  state.watch = null;
  state.version = null;
}

// ---------- wiring ----------

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

function onKey(event) {
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

function wire() {
  $('sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('token').value.trim();
    if (!value) {
      $('sign-in-error').textContent = 'Enter your approver token.';
      return;
    }
    signIn(value);
  });
  $('sign-out').addEventListener('click', () => signOut('Signed out.'));

  $('filters').addEventListener('change', renderQueue);
  $('filters').addEventListener('reset', () => setTimeout(renderQueue));

  $('queue').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    const card = e.target.closest('.card');
    if (!button || !card) return;
    const action = button.dataset.action;
    if (action === 'history') showHistory(writeById(card.dataset.id));
    else decideOne(card, action);
  });
  $('queue').addEventListener('change', (e) => {
    if (!e.target.matches('.select')) return;
    const id = e.target.closest('.card').dataset.id;
    if (e.target.checked) state.selected.add(id);
    else state.selected.delete(id);
    renderSelection();
  });
  $('select-all').addEventListener('change', (e) => {
    for (const li of $('queue').children) {
      if (e.target.checked) state.selected.add(li.dataset.id);
      else state.selected.delete(li.dataset.id);
      li.querySelector('.select').checked = e.target.checked;
    }
    renderSelection();
  });
  $('approve-selected').addEventListener('click', () => decideSelection('approve'));
  $('reject-selected').addEventListener('click', () => decideSelection('reject'));

  $('batches').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    const article = e.target.closest('.batch');
    if (button && article) decideBatch(article, button.dataset.action);
  });
  $('history-close').addEventListener('click', () => $('history-dialog').close());
  wireEscalations(say, (e) => handleError(e, ''));
  document.addEventListener('keydown', onKey);
  // Relative times ("5 minutes ago") stay right without a reload.
  setInterval(() => { if (!$('workspace').hidden) refresh(); }, 60000);
}

wire();
const saved = token.get();
if (saved) signIn(saved);
else showSignIn();
