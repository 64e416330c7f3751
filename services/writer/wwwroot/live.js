// Live updates: the change feed's version as server-sent events, polling while no stream gets through.
import { followChanges, pollChanges, AuthError } from './api.js';
import { $ } from './dom.js';
import { state } from './state.js';
import { refresh } from './queue.js';
import { handleError } from './session.js';

function onVersion(version) {
  if (version.version === state.version) return;
  state.version = version.version;
  refresh();
}

export function startWatching() {
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

export function stopWatching() {
  state.watch?.abort();
  state.watch = null;
  state.version = null;
}
