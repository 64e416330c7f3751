// "Needs a person": the escalation inbox. A person claims a ticket (everyone sees who has it, live) and closes it
// with a note. Every action is one API call; the writer's answer (a 409 naming who has it) is what the person is told.
import { api, AuthError } from './api.js';
import { $, h, hidden, time, ago } from './dom.js';
import { classificationLine } from './render.js';

// Reasons in the order a person reads them; the writer files unknown ones under "other".
const REASONS = {
  urgent: 'Urgent',
  low_confidence: 'Low confidence',
  llm_down: 'LLM down',
  no_text: 'No text',
  needs_hydration: 'Not read from the CRM',
  crm_unreadable: 'CRM unreadable',
  other: 'Other',
};

const state = { rows: [], notes: new Map(), me: null };

/** Loads the inbox (open and claimed, most urgent and newest first, as the API orders it) and renders it. */
export async function loadEscalations(me) {
  state.me = me;
  state.rows = await api.escalations();
  renderFilters();
  render();
}

function renderFilters() {
  const select = $('escalation-source');
  const sources = [...new Set(state.rows.map((e) => e.source))].sort();
  const current = select.value;
  if ([...select.options].slice(1).map((o) => o.value).join('\n') !== sources.join('\n')) {
    select.replaceChildren(select.options[0], ...sources.map((s) => h('option', { value: s }, s)));
    select.value = sources.includes(current) ? current : '';
  }
}

function shown() {
  const reason = $('escalation-reason').value;
  const source = $('escalation-source').value;
  return state.rows.filter((e) => (!reason || e.reason === reason) && (!source || e.source === source));
}

/** Keeps a card whose escalation did not change, so a note being typed survives another person's claim elsewhere. */
function render() {
  const list = $('escalations');
  const rows = shown();
  const existing = new Map([...list.children].map((li) => [li.dataset.id, li]));
  const cards = rows.map((e) => {
    const key = JSON.stringify([e.state, e.claimedBy, e.claimedAt, e.duplicateCount, e.crmWrite?.state, state.me]);
    let card = existing.get(String(e.id));
    if (!card || card.dataset.key !== key) {
      const typed = card?.querySelector('.close-note')?.value;
      card = escalationCard(e, state.me);
      card.dataset.key = key;
      if (typed && card.querySelector('.close-note')) card.querySelector('.close-note').value = typed;
    }
    card.querySelector('.card-status').textContent = state.notes.get(e.id) ?? '';
    for (const t of card.querySelectorAll('time')) t.textContent = ago(t.dateTime);
    return card;
  });
  cards.forEach((card, i) => { if (list.children[i] !== card) list.insertBefore(card, list.children[i] ?? null); });
  while (list.children.length > cards.length) list.lastElementChild.remove();
  const total = state.rows.length;
  $('escalation-count').textContent = rows.length === total ? `(${total})` : `(${rows.length} of ${total} shown)`;
  $('escalations-empty').hidden = rows.length > 0;
  $('escalations-empty').textContent = total ? 'No escalation matches the filters.' : 'Nobody is waiting for a person.';
}

function escalationCard(e, me) {
  const subjectId = `escalation-subject-${e.id}`;
  const subject = e.subject || '(no subject)';
  const mine = e.claimedBy === me;
  return h('li', { class: `card escalation state-${e.state}`, 'data-id': e.id },
    h('article', { 'aria-labelledby': subjectId, tabindex: '-1' },
      h('div', { class: 'card-head' },
        h('h3', { id: subjectId, class: 'subject' }, subject),
        h('span', { class: `badge reason reason-${e.reason}` }, REASONS[e.reason] ?? e.reason)),
      h('p', { class: 'meta' },
        h('span', { class: 'source' }, e.source), ' · ticket ',
        e.link ? h('a', { href: e.link, target: '_blank', rel: 'noopener noreferrer' }, e.externalId, hidden(' (opens the CRM)')) : e.externalId,
        ' · escalated ', time(e.escalatedAt),
        e.generation > 1 ? ` · version ${e.generation}` : null,
        e.duplicateCount > 0 ? ` · escalated ${e.duplicateCount + 1} times` : null),
      h('p', { class: 'why' }, h('span', { class: 'label' }, 'Why: '), e.reasonText),
      e.excerpt ? h('blockquote', { class: 'excerpt' }, e.excerpt) : null,
      classificationLine({ classification: e.classification }),
      h('p', { class: 'claim' }, e.claimedBy
        ? [mine ? 'Claimed by you' : ['Claimed by ', h('strong', { class: 'claimed-by' }, e.claimedBy)], ' · ', time(e.claimedAt)]
        : 'Nobody has claimed it yet.'),
      h('p', { class: 'meta crm' }, 'In the CRM: ', e.crmWrite ? `${e.crmWrite.state} (${e.crmWrite.adapter ?? 'not routed yet'})` : 'not proposed yet'),
      h('div', { class: 'decide' },
        e.claimedBy ? null : h('button', { type: 'button', class: 'approve', 'data-action': 'claim' }, 'Claim', hidden(`: ${subject}`)),
        !e.claimedBy || mine ? [
          h('label', { for: `close-note-${e.id}` }, 'What was done'),
          h('input', { id: `close-note-${e.id}`, type: 'text', class: 'close-note', maxlength: '2000', autocomplete: 'off' }),
          h('button', { type: 'button', class: 'quiet', 'data-action': 'close' }, 'Close', hidden(`: ${subject}`)),
        ] : null),
      h('p', { class: 'card-status', role: 'status' })));
}

async function act(card, action, say, onAuth) {
  const id = Number(card.dataset.id);
  const note = card.querySelector('.close-note')?.value.trim() ?? '';
  if (action === 'close' && !note) {
    state.notes.set(id, 'Say what was done before closing: the note is what the next person reads.');
    render();
    card.querySelector('.close-note')?.focus();
    return;
  }
  try {
    const row = action === 'claim' ? await api.claimEscalation(id) : await api.closeEscalation(id, note);
    state.notes.delete(id);
    say(action === 'claim' ? `Claimed: ${row.subject || 'the escalation'}.` : `Closed: ${row.subject || 'the escalation'}.`);
  } catch (e) {
    if (e instanceof AuthError) return onAuth(e);
    const message = e.status === 409 ? `${e.message} ${e.body?.detail ?? ''}`.trim() : `Not done: ${e.message}`;
    state.notes.set(id, message);
    say(message);
  }
  await loadEscalations(state.me).catch(() => {});
}

/** The filters and the buttons; say() announces, onAuth() handles a token the writer no longer takes. */
export function wireEscalations(say, onAuth) {
  $('escalation-filters').addEventListener('change', render);
  $('escalation-filters').addEventListener('reset', () => setTimeout(render));
  $('escalations').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    const card = e.target.closest('.escalation');
    if (button && card) act(card, button.dataset.action, say, onAuth);
  });
  $('escalation-reason').replaceChildren($('escalation-reason').options[0],
    ...Object.entries(REASONS).map(([value, label]) => h('option', { value }, label)));
}
