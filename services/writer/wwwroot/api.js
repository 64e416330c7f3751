// The approval API, as the page uses it. The page holds no decision logic: every action is one of these calls,
// and the writer's answer (accepted, conflict, …) is what the approver is told.

const TOKEN_KEY = 'agents.approverToken';

export class AuthError extends Error {}

export class ApiError extends Error {
  constructor(status, title, body = null) {
    super(title);
    this.status = status;
    this.body = body; // the problem document, when there is one (a 409 carries the current version)
  }
}

// sessionStorage: the token lives as long as this tab, is not shared with other tabs, never goes in a URL.
export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

function headers(extra = {}) {
  return { Accept: 'application/json', Authorization: `Bearer ${token.get() ?? ''}`, ...extra };
}

async function problem(response) {
  try {
    const body = await response.json();
    return new ApiError(response.status, body.title || body.detail || body.note || `${response.status} ${response.statusText}`, body);
  } catch {
    return new ApiError(response.status, `${response.status} ${response.statusText}`);
  }
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (response.status === 401) throw new AuthError('The writer did not accept the token.');
  if (!response.ok) throw await problem(response);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

const q = encodeURIComponent;

export const api = {
  me: () => call('GET', '/approvals/me'),
  writes: (state, limit = 500) => call('GET', `/approvals?state=${q(state)}&limit=${limit}`),
  // Every decision names the version it was taken on (contentHash): the writer refuses it (409) if the write changed.
  approve: (id, reason, contentHash, body) => call('POST', `/approvals/${q(id)}/approve`, { reason: reason || null, contentHash, ...(body === undefined ? {} : { body }) }),
  reject: (id, reason, contentHash) => call('POST', `/approvals/${q(id)}/reject`, { reason: reason || null, contentHash }),
  history: (source, externalId) => call('GET', `/approvals/history?source=${q(source)}&externalId=${q(externalId)}`),
  changes: () => call('GET', '/approvals/changes'),
  escalations: () => call('GET', '/escalations?limit=500'),
  claimEscalation: (id) => call('POST', `/escalations/${q(id)}/claim`),
  closeEscalation: (id, note) => call('POST', `/escalations/${q(id)}/close`, { note }),
  shadowReport: (params) => call('GET', `/shadow/report?${new URLSearchParams(params)}`),
  // Bulk review: a writer without it answers 404, and the page shows no bulk section.
  batches: async () => {
    try {
      return await call('GET', '/approvals/batches');
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
      throw e;
    }
  },
  releaseBatch: (batchId, reason, contentHash) => call('POST', `/approvals/batches/${q(batchId)}/release`, { reason: reason || null, contentHash }),
  rejectBatch: (batchId, reason, contentHash) => call('POST', `/approvals/batches/${q(batchId)}/reject`, { reason: reason || null, contentHash }),
};

/**
 * Follows the writer's server-sent events (fetch, so the token goes in a header, not in the URL as EventSource
 * would need). Calls onChange(version) for each "changed" event; resolves when the stream ends, rejects on error.
 */
export async function followChanges(onChange, signal) {
  const response = await fetch('/approvals/events', {
    headers: headers({ Accept: 'text/event-stream' }), cache: 'no-store', credentials: 'omit', signal,
  });
  if (response.status === 401) throw new AuthError('The writer did not accept the token.');
  if (!response.ok || !response.body) throw new ApiError(response.status, 'no event stream');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replaceAll('\r\n', '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (event === 'changed' && data.length) onChange(JSON.parse(data.join('\n')));
    }
  }
}

/** Polls the queue version instead (when streaming is not possible). Resolves when signal aborts. */
export async function pollChanges(onChange, signal, everyMs = 3000) {
  while (!signal.aborted) {
    onChange(await api.changes());
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, everyMs);
      signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }
}
