// The approval page's entry: wires the page's controls to the pieces that act on them, then signs in with a saved
// token or asks for one.
import { token } from './api.js';
import { $ } from './dom.js';
import { wireEscalations } from './escalations.js';
import { state, writeById } from './state.js';
import { say } from './status.js';
import { signIn, signOut, showSignIn, handleError } from './session.js';
import { refresh, renderQueue, renderSelection } from './queue.js';
import { decideOne, decideSelection, decideBatch } from './decisions.js';
import { showHistory } from './history.js';
import { onKey } from './keyboard.js';

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
