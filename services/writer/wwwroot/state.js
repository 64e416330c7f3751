// What the approval page holds between refreshes: the loaded writes and what the approver is doing with them.

export const state = {
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

/** "1 write", "3 writes". */
export const writes = (n) => `${n} ${n === 1 ? 'write' : 'writes'}`;

export const writeById = (id) => state.pending.find((w) => w.id === id);
