// The shadow report page: GET /shadow/report rendered per write kind. It only reads: graduating a kind is a change to
// the policy file that a person makes (the suggested lines are shown to copy).
import { api, token, AuthError, ApiError } from './api.js';
import { $, h, clear } from './dom.js';

const pct = (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)} %`);

function rate(stats) {
  return stats.agreement === null ? 'no judged tickets' : `${pct(stats.agreement)} (${pct(stats.low)}–${pct(stats.high)})`;
}

function statsTable(caption, first, rows) {
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...[first, 'n', 'agreed', 'disagreed', 'no action', 'agreement (95 %)'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map(([name, s]) => h('tr', {},
      h('th', { scope: 'row' }, name), h('td', {}, s.proposals), h('td', {}, s.agreed), h('td', {}, s.disagreed),
      h('td', {}, s.noHumanAction), h('td', {}, rate(s))))));
}

function confusionTable(cells) {
  const agents = [...new Set(cells.map((c) => c.agent))].sort();
  const people = [...new Set(cells.map((c) => c.people))].sort();
  const count = (a, p) => cells.find((c) => c.agent === a && c.people === p)?.count ?? 0;
  return h('table', { class: 'confusion' },
    h('caption', {}, 'Agent × people'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'agent \\ people'), people.map((p) => h('th', { scope: 'col' }, p)))),
    h('tbody', {}, agents.map((a) => h('tr', {}, h('th', { scope: 'row' }, a),
      people.map((p) => h('td', { class: a === p && count(a, p) > 0 ? 'hit' : null }, count(a, p)))))));
}

function kindCard(kind) {
  const t = kind.threshold;
  const g = kind.graduation;
  return h('section', { class: 'kind', 'data-kind': kind.kind, 'aria-labelledby': `kind-${kind.kind}` },
    h('h2', { id: `kind-${kind.kind}` }, kind.kind,
      h('span', { class: 'headline' }, `${rate(kind.stats)} · ${kind.stats.proposals} proposals, ${kind.stats.agreed + kind.stats.disagreed} judged`)),
    h('p', { class: 'threshold' }, t
      ? `From confidence ${t.minConfidence.toFixed(2)}: ${pct(t.agreement)} agreement (${pct(t.low)}–${pct(t.high)}) over ${t.judged} judged tickets, covering ${pct(t.coverage)} of the traffic.`
      : 'No confidence floor reaches the target precision yet.'),
    h('div', { class: `suggestion${g.policyLines ? '' : ' wait'}` },
      h('p', {}, h('strong', {}, 'Suggestion: '), g.text),
      g.policyLines ? [h('p', {}, 'Paste into the writer\'s permissions in the policy file (never applied by the system):'),
        h('pre', {}, h('code', {}, g.policyLines))] : null),
    h('div', { class: 'tables' },
      statsTable('By source', 'source', kind.sources.map((s) => [s.source, s.stats])),
      statsTable('By language', 'language', kind.languages.map((l) => [l.language, l.stats])),
      statsTable('By confidence', 'confidence', kind.confidenceBands.map((b) => [b.band, b.stats])),
      kind.confusion.length ? confusionTable(kind.confusion) : null));
}

async function load() {
  const params = { precision: $('shadow-precision').value };
  if ($('shadow-kind').value) params.kind = $('shadow-kind').value;
  if ($('shadow-since').value) params.since = $('shadow-since').value;
  try {
    const report = await api.shadowReport(params);
    const kinds = clear($('kinds'));
    kinds.append(...report.kinds.map(kindCard));
    $('shadow-empty').hidden = report.kinds.length > 0;
    const select = $('shadow-kind');
    for (const k of report.kinds) {
      if (![...select.options].some((o) => o.value === k.kind)) select.append(h('option', { value: k.kind }, k.kind));
    }
    $('status').textContent = '';
    return true;
  } catch (e) {
    if (e instanceof AuthError) return false;
    $('status').textContent = e instanceof ApiError ? e.message : `The report could not be loaded: ${e.message}`;
    return true;
  }
}

async function show() {
  const signedIn = token.get() && await load();
  $('sign-in').hidden = !!signedIn;
  $('report-view').hidden = !signedIn;
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  token.set($('token').value);
  $('token').value = '';
  await show();
  $('sign-in-error').textContent = $('sign-in').hidden ? '' : 'The writer did not accept this token.';
});
$('shadow-filters').addEventListener('change', load);
show();
