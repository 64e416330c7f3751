// Turns the writer's JSON into DOM. Pure functions of their input; app.js wires the buttons.
import { h, hidden, time, formatDate } from './dom.js';

/** The classifier's verdict: the API answers it as a JSON object (null when none was recorded). */
export const classificationOf = (write) => write.classification ?? null;

/** What changed, field by field: before and after side by side. */
export function diffTable(write, captionId) {
  const before = write.before ?? {};
  const changes = write.changes ?? {};
  const fields = [...new Set([...Object.keys(changes), ...Object.keys(before)])].filter((f) => f in changes);
  const rows = fields.map((field) => {
    const old = before[field];
    const value = changes[field];
    const same = (old ?? '') === (value ?? '');
    return h('tr', { class: same ? 'same' : 'changed' },
      h('th', { scope: 'row' }, field),
      h('td', { class: 'before' }, old === undefined || old === null || old === ''
        ? h('span', { class: 'none' }, '(empty)')
        : h('del', {}, hidden('before: '), old)),
      h('td', { class: 'after' }, h('ins', {}, hidden('after: '), value ?? '')));
  });
  return h('table', { class: 'diff', 'aria-describedby': captionId },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Before'), h('th', { scope: 'col' }, 'After'))),
    h('tbody', {}, rows));
}

export function classificationLine(write) {
  const c = classificationOf(write);
  if (!c) return h('p', { class: 'classification none' }, 'No classification recorded.');
  const by = String(c.classifiedBy ?? '').toLowerCase() === 'llm' ? 'LLM' : (c.classifiedBy || 'unknown');
  const confidence = typeof c.confidence === 'number' ? `${Math.round(c.confidence * 100)}%` : '?';
  return h('div', { class: 'classification' },
    h('p', {},
      'Classified ', h('strong', {}, c.category ?? '?'),
      ', priority ', h('strong', { class: `priority priority-${String(c.priority ?? '').replace(/[^a-z]/g, '')}` }, c.priority ?? '?'),
      ', confidence ', h('strong', {}, confidence),
      ' by ', h('span', { class: `by by-${by === 'LLM' ? 'llm' : 'rules'}` }, by)),
    c.reason ? h('p', { class: 'reason' }, h('span', { class: 'label' }, 'Why: '), c.reason) : null);
}

/** The kinds whose text the approver reads and may edit before approving (WriteKinds.Texts). */
export const TEXT_KINDS = new Set(['post-reply', 'add-note']);

/**
 * A drafted reply or note: the ticket on one side, the draft on the other in a text box the approver may edit (the
 * approval sends what it holds), and what the drafting step found (its notes) below it.
 */
export function draftPanel(write, subject) {
  const id = write.id;
  const proposed = write.changes?.body ?? '';
  const notes = write.notes ?? [];
  return h('div', { class: 'draft' },
    h('section', { class: 'draft-ticket', 'aria-label': `Ticket: ${subject}` },
      h('h4', {}, 'Ticket'),
      h('p', { class: 'draft-subject' }, subject),
      h('blockquote', { class: 'excerpt' }, write.excerpt || '(no text)')),
    h('section', { class: 'draft-reply' },
      h('h4', {}, h('label', { for: `draft-${id}` }, write.kind === 'post-reply' ? 'Reply to the requester (edit before approving)' : 'Internal note (edit before approving)')),
      h('textarea', { id: `draft-${id}`, class: 'draft-text', rows: '9', maxlength: '10000', 'data-proposed': proposed }, proposed),
      notes.length ? h('ul', { class: 'findings', 'aria-label': 'What the drafting step found' }, notes.map((n) => h('li', {}, n))) : null));
}

/** One pending write. Controls carry data-action; app.js listens on the list. */
export function writeCard(write) {
  const id = write.id;
  const subjectId = `subject-${id}`;
  const subject = write.subject || '(no subject)';
  return h('li', { class: 'card', 'data-id': id, 'data-signature': signature(write), 'data-content-hash': write.contentHash ?? '' },
    h('article', { 'aria-labelledby': subjectId, tabindex: '-1' },
      h('div', { class: 'card-head' },
        h('input', { type: 'checkbox', id: `select-${id}`, class: 'select', 'data-action': 'select' }),
        h('label', { for: `select-${id}`, class: 'visually-hidden' }, `Select: ${subject}`),
        h('h3', { id: subjectId, class: 'subject' }, subject),
        h('span', { class: 'badge kind' }, write.kind)),
      h('p', { class: 'meta' },
        h('span', { class: 'source' }, write.source), ' · ticket ', h('span', { class: 'ticket' }, write.externalId),
        ' · proposed ', time(write.proposedAt),
        ' · expires ', time(write.expiresAt),
        write.recordCount > 1 ? ` · ${write.recordCount} records` : null,
        write.duplicateCount > 0 ? ` · proposed ${write.duplicateCount + 1} times` : null),
      write.excerpt && !TEXT_KINDS.has(write.kind) ? h('blockquote', { class: 'excerpt' }, write.excerpt) : null,
      classificationLine(write),
      h('p', { id: `change-${id}`, class: 'visually-hidden' }, `Proposed change for ${subject}`),
      TEXT_KINDS.has(write.kind) ? draftPanel(write, subject) : diffTable(write, `change-${id}`),
      h('div', { class: 'decide' },
        h('label', { for: `reason-${id}` }, 'Reason (optional)'),
        h('input', { id: `reason-${id}`, type: 'text', class: 'reason-input', maxlength: '500', autocomplete: 'off' }),
        h('button', { type: 'button', class: 'approve', 'data-action': 'approve' }, 'Approve', hidden(`: ${subject}`)),
        h('button', { type: 'button', class: 'reject', 'data-action': 'reject' }, 'Reject', hidden(`: ${subject}`)),
        h('button', { type: 'button', class: 'quiet', 'data-action': 'history' }, 'History', hidden(` of ticket ${write.externalId}`))),
      h('p', { class: 'card-status', role: 'status' })));
}

/** What makes a card worth rebuilding (a superseded proposal changes its content, not its id). */
export const signature = (write) => JSON.stringify([write.contentHash, write.kind, write.changes, write.before, write.subject, write.excerpt, write.classification, write.duplicateCount, write.notes]);

/** A batch held for bulk review, with a few of its writes as examples. */
export function batchCard(batch, writes) {
  const id = batch.batchId;
  const examples = writes.slice(0, 10);
  return h('article', { class: 'batch', 'data-batch': id, 'data-content-hash': batch.contentHash ?? '', 'aria-labelledby': `batch-${id}` },
    h('h3', { id: `batch-${id}` }, `${batch.count} × ${batch.kind}`),
    h('p', { class: 'meta' }, batch.source ? `From ${batch.source} · held ` : 'Held ', time(batch.openedAt), batch.reason ? ` · ${batch.reason}` : null),
    h('details', {},
      h('summary', {}, `Show ${examples.length} of the ${batch.count} writes`),
      h('ul', { class: 'examples' }, examples.map((w) =>
        h('li', {}, h('strong', {}, w.subject || '(no subject)'), ` — ${w.source} ${w.externalId}: `,
          Object.entries(w.changes ?? {}).map(([k, v]) => `${k} → ${v}`).join(', '))))),
    h('div', { class: 'decide' },
      h('label', { for: `batch-reason-${id}` }, 'Reason (optional)'),
      h('input', { id: `batch-reason-${id}`, type: 'text', class: 'reason-input', maxlength: '500', autocomplete: 'off' }),
      h('button', { type: 'button', class: 'approve', 'data-action': 'release' }, 'Release batch', hidden(` of ${batch.count} ${batch.kind} writes`)),
      h('button', { type: 'button', class: 'reject', 'data-action': 'reject-batch' }, 'Reject batch', hidden(` of ${batch.count} ${batch.kind} writes`))),
    h('p', { class: 'card-status', role: 'status' }));
}

export function recentRow(write) {
  return h('tr', {},
    h('td', {}, h('span', { class: 'subject-small' }, write.subject || '(no subject)'), h('br'),
      h('span', { class: 'meta' }, `${write.source} ${write.externalId} · ${write.kind}`)),
    h('td', {}, h('span', { class: `state state-${write.state.toLowerCase()}` }, write.state),
      write.decisionReason ? h('span', { class: 'meta' }, ` “${write.decisionReason}”`) : null, h('br'),
      h('span', { class: 'meta decided-by' }, write.decidedBy ?? '', ' · ', time(write.decidedAt))));
}

export function historyTable(writes) {
  if (!writes.length) return h('p', {}, 'No writes recorded for this ticket.');
  return h('table', { class: 'history' },
    h('thead', {}, h('tr', {},
      ['When', 'Who', 'What', 'Write', 'Detail'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, writes.flatMap((w) => w.entries.map((e) =>
      h('tr', {},
        h('td', {}, formatDate(e.at)),
        h('td', {}, e.actor),
        h('td', {}, e.action),
        h('td', {}, `${w.kind} (${w.state})`, e.generation > 1 ? ` · generation ${e.generation}` : null),
        h('td', { class: 'detail' }, e.detail ?? ''))))));
}
