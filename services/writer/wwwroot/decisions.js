// Decisions: one write, the selection, a held batch. Each is a call to the approval API naming the version on the
// screen; a refusal is shown on the card until the write is decided or gone.
import { api, AuthError } from './api.js';
import { $ } from './dom.js';
import { state, writes, writeById } from './state.js';
import { say, confirmAction } from './status.js';
import { handleError } from './session.js';
import { refresh, syncCard, renderSelection } from './queue.js';

const PARALLEL_DECISIONS = 4;
const PAST = { approve: 'approved', reject: 'rejected' };

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

export async function decideOne(card, decision) {
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

export async function decideSelection(decision) {
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

export async function decideBatch(article, action) {
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
