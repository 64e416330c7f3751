// The history dialog: every write and audit entry of one ticket.
import { api, AuthError } from './api.js';
import { $, h, clear } from './dom.js';
import { historyTable } from './render.js';
import { handleError } from './session.js';

export async function showHistory(write) {
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
