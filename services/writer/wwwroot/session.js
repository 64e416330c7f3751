// Sign in with an approver token, sign out, and what an error does: a refused token ends the session.
import { api, token, AuthError } from './api.js';
import { $, clear } from './dom.js';
import { state } from './state.js';
import { say } from './status.js';
import { refresh } from './queue.js';
import { startWatching, stopWatching } from './live.js';

export async function signIn(candidate) {
  token.set(candidate);
  try {
    const me = await api.me();
    $('who-name').textContent = me.name;
    $('who').hidden = false;
    $('sign-in').hidden = true;
    $('workspace').hidden = false;
    $('sign-in-error').textContent = '';
    // The header now says who is signed in; the status line does not say it a second time.
    startWatching();
    await refresh();
    $('queue-title').focus();
  } catch (e) {
    token.clear();
    showSignIn(e instanceof AuthError ? 'That token was not accepted.' : `Could not reach the writer: ${e.message}`);
  }
}

export function showSignIn(message = '') {
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

export function signOut(message) {
  token.clear();
  showSignIn(message);
  say(message || 'Signed out.');
}

export function handleError(e, what) {
  if (e instanceof AuthError) {
    signOut('Your session ended: the writer no longer accepts the token. Sign in again.');
    return;
  }
  say(`${what}: ${e.message}`);
}
