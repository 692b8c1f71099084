// sahelsim explorer: the page's behaviour (plain JS, no framework, no build step).
//
// Security rule: every text that comes from the server or from a file goes into the DOM through
// textContent / text nodes (el(..., {text}) or append(string)), never through innerHTML.
'use strict';

(() => {
  // ===========================================================================
  // Constants and page state
  // ===========================================================================

  const BASE_COLOUR = '#0072B2';
  const POLICY_COLOUR = '#D55E00';
  const PLACES_COLOUR = '#009E73';
  // Light yellow to dark red (ColorBrewer YlOrRd), for the control and displaced layers.
  const RAMP = ['#ffffcc', '#ffeda0', '#fed976', '#feb24c', '#fd8d3c', '#fc4e2a', '#e31a1c', '#bd0026', '#800026'];
  const MONTHS_PER_SECOND = 4;
  const MAP_MAX_WIDTH = 800;
  const MAP_MAX_HEIGHT = 780;
  const PANEL_HEIGHT = 140;
  const MAX_UPLOAD_BYTES = 256 * 1024;
  const FINAL_STATES = new Set(['done', 'failed', 'cancelled']);
  const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
  // Outcomes shown by default in the comparison table (the others behind "Show every outcome").
  const KEY_OUTCOMES = ['events', 'attacks_on_civilians', 'fatalities', 'fatalities_civilians',
    'displaced_end', 'fighters_end', 'sustained_presence_end', 'fighters_reintegrated', 'revenue'];
  const SERIES = [
    { key: 'events', title: 'Violent events', unit: 'events in the month' },
    { key: 'fatalities', title: 'Fatalities', unit: 'people killed in the month' },
    { key: 'civilian_deaths', title: 'Civilian deaths', unit: 'civilians killed in the month' },
    { key: 'fighters', title: 'Fighters', unit: 'at the month’s end' },
    { key: 'displaced', title: 'Displaced people', unit: 'at the month’s end' },
  ];
  const PLACE_KINDS = [
    { key: 'countries', label: 'Countries' },
    { key: 'regions', label: 'Regions' },
    { key: 'areas', label: 'Areas of operation' },
    { key: 'towns', label: 'Towns' },
    { key: 'routes', label: 'Routes and corridors' },
    { key: 'gold_sites', label: 'Gold sites' },
  ];
  const STAGES = {
    comparing: 'running the base and the policy',
    watching: 'recording one replicate month by month for the map',
    finished: 'finished',
  };

  const state = {
    scenarios: [],        // ScenarioInfo list, as the server sent it plus uploads
    current: null,        // the chosen base's ScenarioInfo
    form: null,           // GET /api/form
    ivSeq: 0,             // ids for the interventions' controls
    composing: false,
    downloadUrl: null,    // Blob URL of the composed file
    run: null,            // the latest RunStatus
    starting: false,      // POST /api/runs in flight
    runStartedAt: 0,
    source: null,         // EventSource on the progress
    pollTimer: null,
    finishedId: null,     // the run whose final state was handled
    watch: null,          // decoded /watch of the latest done run
    comparison: null,
    month: 0,
    layer: 'events',
    playTimer: null,
    map: null,            // canvases and sizes of the drawn map
    panels: [],
  };

  // ===========================================================================
  // DOM helpers
  // ===========================================================================

  const $ = (sel) => document.querySelector(sel);

  /** Creates an element; attrs: class, text (textContent), on<event>, properties or attributes. */
  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
      else if (v === true) e.setAttribute(k, '');
      else e.setAttribute(k, String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function clear(node) { node.replaceChildren(); return node; }

  /** A labelled field: label, control with its unit, help text under it (also the control's title). */
  function field(labelText, control, { unit, help, cls } = {}) {
    if (!control.id) control.id = `f${++state.ivSeq}`;
    if (help) control.title = help;
    return el('div', { class: `field ${cls || ''}` },
      el('label', { for: control.id, text: labelText }),
      el('div', { class: 'control-line' }, control, unit ? el('span', { class: 'unit', text: unit }) : null),
      help ? el('small', { class: 'help', text: help }) : null);
  }

  function setStatus(node, text, kind = '') {
    node.textContent = text || '';
    node.className = `status-note ${kind}`;
  }

  // ===========================================================================
  // Formatting: numbers and dates
  // ===========================================================================

  const formatters = {
    int: new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }),
    sig3: new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 }),
    sig3Signed: new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3, signDisplay: 'exceptZero' }),
    compact: new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 }),
  };
  const ok = (x) => typeof x === 'number' && Number.isFinite(x);

  /** A level or mean: thousands separators, 3 significant digits below 100. */
  function fmtNumber(x) {
    if (!ok(x)) return '–';
    return Math.abs(x) >= 100 ? formatters.int.format(x) : formatters.sig3.format(x);
  }
  const fmtInt = (x) => (ok(x) ? formatters.int.format(x) : '–');
  const fmtDiff = (x) => (ok(x) ? formatters.sig3Signed.format(x) : '–');
  const fmtInterval = (lo, hi) => `[${fmtDiff(lo)}, ${fmtDiff(hi)}]`;
  const fmtPercent = (r) => (ok(r) ? `${formatters.sig3Signed.format(r * 100)} %` : '–');
  const fmtCompact = (x) => (ok(x) ? formatters.compact.format(x) : '–');

  const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  /** "2017-01-01" → "1 Jan 2017" (no time zones involved). */
  function fmtDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    return m ? `${Number(m[3])} ${MONTH_NAMES[Number(m[2]) - 1]} ${m[1]}` : (iso || '–');
  }
  /** The same day a number of years later (29 Feb becomes 28 Feb). */
  function addYears(iso, years) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    if (!m) return iso;
    const md = `${m[2]}-${m[3]}` === '02-29' ? '02-28' : `${m[2]}-${m[3]}`;
    return `${String(Number(m[1]) + years).padStart(4, '0')}-${md}`;
  }
  function fmtDuration(seconds) {
    if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
    if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
    return `${(seconds / 3600).toFixed(1)} h`;
  }
  const capitalise = (s) => (s ? s[0].toUpperCase() + s.slice(1) : s);

  // ===========================================================================
  // Talking to the server
  // ===========================================================================

  /** fetch + JSON; never throws: {status, ok, data} with data.error on a network failure. */
  async function api(method, url, body, headers = {}) {
    const opts = { method, headers: { ...headers }, credentials: 'same-origin' };
    if (typeof body === 'string' || body instanceof ArrayBuffer) {
      opts.body = body;
      opts.headers['Content-Type'] = 'text/plain; charset=utf-8';
    } else if (body !== undefined) {
      opts.body = JSON.stringify(body);
      opts.headers['Content-Type'] = 'application/json';
    }
    let res;
    try {
      res = await fetch(url, opts);
    } catch (e) {
      return { status: 0, ok: false, data: { error: 'The explorer server did not answer: is “sahelsim serve” still running?' } };
    }
    let data;
    try {
      data = await res.json();
    } catch (e) {
      return { status: res.status, ok: false, data: { error: `The server sent an unexpected answer (${res.status} ${res.statusText}).` } };
    }
    if (data === null || typeof data !== 'object') data = {};
    return { status: res.status, ok: res.ok, data };
  }

  const runUrl = (id, tail = '') => `api/runs/${encodeURIComponent(id)}${tail}`;
  const fileUrl = (id, name) => runUrl(id, `/files/${encodeURIComponent(name)}`);

  /** The located errors of a 4xx answer (or its one-sentence error) into a container. */
  function showErrors(container, data, heading) {
    clear(container);
    const errors = Array.isArray(data.errors) ? data.errors : [];
    if (heading) container.append(el('p', { class: 'error-heading', text: heading }));
    for (const e of errors) {
      const text = e.text || `${e.file || ''}:${e.line ?? '?'}:${e.col ?? '?'}: ${e.message || ''}`;
      container.append(el('pre', { class: 'error-text', text }));
    }
    if (!errors.length) container.append(el('p', { class: 'error', text: data.error || 'Something went wrong.' }));
  }

  /** Client-side messages (no request made) into a container. */
  function showMessages(container, messages) {
    clear(container);
    container.append(el('p', { class: 'error-heading', text: 'Please correct the following first:' }));
    const ul = el('ul', { class: 'error-list' });
    for (const m of messages) ul.append(el('li', { text: m }));
    container.append(ul);
  }

  /** A file's text in a <pre>, one span per line (CSS numbers them); lines with errors marked. */
  function showCode(pre, text, errorLines = new Set()) {
    clear(pre);
    const lines = String(text).split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    lines.forEach((line, i) => {
      pre.append(el('span', { class: errorLines.has(i + 1) ? 'line has-error' : 'line', text: `${line}\n` }));
    });
    pre.hidden = false;
  }

  // ===========================================================================
  // 1. Scenario: list, upload, description
  // ===========================================================================

  function sortScenarios() {
    state.scenarios.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Fills the select: the baseline first, then the shipped files, then this session's uploads. */
  function renderScenarioSelect(selectedId) {
    const sel = $('#scenario-select');
    clear(sel);
    const shipped = el('optgroup', { label: 'Shipped scenarios' });
    const uploads = el('optgroup', { label: 'Uploaded in this session' });
    const ordered = [...state.scenarios].sort((a, b) => (b.id === 'baseline.ron') - (a.id === 'baseline.ron'));
    for (const s of ordered) {
      const opt = el('option', { value: s.id, text: s.name });
      if (s.errors && s.errors.length) opt.className = 'has-errors';
      (s.id.startsWith('upload/') ? uploads : shipped).append(opt);
    }
    if (shipped.children.length) sel.append(shipped);
    if (uploads.children.length) sel.append(uploads);
    sel.disabled = state.scenarios.length === 0;
    const wanted = state.scenarios.find((s) => s.id === selectedId) || state.scenarios.find((s) => s.id === 'baseline.ron') || state.scenarios[0];
    if (wanted) sel.value = wanted.id;
    return wanted || null;
  }

  function selectScenario(info) {
    state.current = info;
    renderScenarioInfo(info);
    clear($('#scenario-errors'));
    if (info && info.errors && info.errors.length) {
      showErrors($('#scenario-errors'), { errors: info.errors },
        'This scenario has errors and cannot be used until they are corrected:');
    }
    if (info) {
      $('#period-start').value = info.period.start;
      $('#period-end').value = info.period.end;
      for (const id of ['#period-start', '#period-end']) {
        $(id).min = info.period.start;
        $(id).max = info.period.end;
      }
    }
    refreshInterventions();
    markComposedStale();
    updateButtons();
  }

  function renderScenarioInfo(info) {
    const box = clear($('#scenario-info'));
    if (!info) return;
    const dl = el('dl', { class: 'facts' });
    const row = (term, ...desc) => dl.append(el('dt', { text: term }), el('dd', {}, ...desc));
    row('Description', info.description ? info.description : el('span', { class: 'muted', text: 'none given' }));
    row('Period', `${fmtDate(info.period.start)} to ${fmtDate(info.period.end)}`);
    row('Replicates', `${fmtInt(info.replicates)} by default in this file (here you choose how many below)`);
    row('Armed groups', info.groups.length ? info.groups.join(', ') : el('span', { class: 'muted', text: 'none' }));
    if (info.interventions.length) {
      const ul = el('ul', { class: 'base-interventions' });
      for (const iv of info.interventions) {
        ul.append(el('li', {}, el('strong', { text: iv.name }), ` (${iv.kind}): `, iv.text));
      }
      row('Its own interventions', el('span', { text: 'already part of the base, kept in the policy too:' }), ul);
    } else {
      row('Its own interventions', el('span', { class: 'muted', text: 'none (no policy in force)' }));
    }
    box.append(dl);
  }

  async function uploadFile(file) {
    const status = $('#upload-status');
    clear($('#scenario-errors'));
    if (file.size > MAX_UPLOAD_BYTES) {
      setStatus(status, `“${file.name}” is too large (${fmtInt(file.size / 1024)} KiB; at most 256 KiB).`, 'error');
      return;
    }
    setStatus(status, `Checking “${file.name}”…`, 'busy');
    // The bytes as they are: the server says so if they are not UTF-8 text.
    const bytes = await file.arrayBuffer();
    // Header values must be plain ASCII: other characters become "_".
    const headerName = file.name.replace(/[^\x20-\x7e]/g, '_');
    const { status: code, data } = await api('POST', 'api/upload', bytes, { 'X-File-Name': headerName });
    if (code === 200 && data.scenario) {
      const info = data.scenario;
      state.scenarios = state.scenarios.filter((s) => s.id !== info.id).concat([info]);
      sortScenarios();
      selectScenario(renderScenarioSelect(info.id));
      setStatus(status, `“${file.name}” was uploaded and is now the base scenario.`, 'good');
    } else {
      setStatus(status, `“${file.name}” was refused.`, 'error');
      showErrors($('#scenario-errors'), data, code === 422 ? `The file “${file.name}” has errors:` : null);
    }
  }

  // ===========================================================================
  // 2. Policy: the intervention form
  // ===========================================================================

  const kindInfo = (kind) => state.form.kinds.find((k) => k.kind === kind) || state.form.kinds[0];
  const kindSlug = (kind) => kind.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  const interventionSets = () => [...document.querySelectorAll('#interventions fieldset.intervention')];
  const ctl = (fs, name) => fs.querySelector(`[name="${name}"]`);

  /** The later of the base's start + 1 year and the period's start, within the period. */
  function defaultStart() {
    const base = state.current.period;
    const ps = $('#period-start').value || base.start;
    const pe = $('#period-end').value || base.end;
    let s = addYears(base.start, 1);
    if (s < ps) s = ps;
    if (s > pe) s = pe;
    return s;
  }

  function uniqueName(stem, except) {
    const taken = new Set(interventionSets().filter((f) => f !== except).map((f) => ctl(f, 'name').value));
    if (!taken.has(stem)) return stem;
    let i = 2;
    while (taken.has(`${stem}-${i}`)) i += 1;
    return `${stem}-${i}`;
  }

  function numberInput(name, spec, step, value) {
    return el('input', { type: 'number', name, min: spec.min, max: spec.max, step, value });
  }

  function placeSelect(key) {
    const p = state.form.places;
    const sel = el('select', { name: key, multiple: true });
    if (key === 'regions') {
      const byCountry = new Map();
      for (const r of p.regions) {
        if (!byCountry.has(r.country)) byCountry.set(r.country, el('optgroup', { label: r.country }));
        byCountry.get(r.country).append(el('option', { value: r.name, text: r.name }));
      }
      sel.append(...byCountry.values());
    } else if (key === 'areas') {
      for (const a of p.areas) sel.append(el('option', { value: a.id, text: a.name || a.id }));
    } else {
      for (const name of p[key] || []) sel.append(el('option', { value: name, text: name }));
    }
    sel.size = 5;
    return sel;
  }

  function buildPlaces(fs) {
    const f = state.form.fields;
    const grid = el('div', { class: 'places-grid' });
    const tr = f.town_radius_km || {};
    for (const { key, label } of PLACE_KINDS) {
      const box = field(label, placeSelect(key), { cls: 'place' });
      if (key === 'towns') {
        // The radius belongs with the towns: it says which cells around them are covered.
        const radius = el('input', { type: 'number', name: 'town_radius_km', min: tr.min ?? 0, max: tr.max ?? 500, step: 1, value: tr.default ?? 30, id: `f${++state.ivSeq}` });
        radius.title = tr.help || '';
        box.append(el('div', { class: 'town-radius' },
          el('label', { for: radius.id, text: 'within' }), radius, el('span', { class: 'unit', text: tr.unit || 'km' })));
        if (tr.help) box.append(el('small', { class: 'help', text: tr.help }));
      }
      grid.append(box);
    }
    const clearBtn = el('button', { type: 'button', class: 'link-button', text: 'Clear all places' });
    clearBtn.addEventListener('click', () => {
      for (const { key } of PLACE_KINDS) for (const o of ctl(fs, key).options) o.selected = false;
      updatePlacesSummary(fs);
      markComposedStale();
    });
    return el('div', { class: 'places' },
      el('div', { class: 'places-head' }, el('span', { class: 'group-label', text: 'Where' }),
        el('small', { class: 'help', text: `${(f.places && f.places.help) || ''}. Hold Ctrl (⌘ on a Mac) to choose several in a list.` })),
      grid,
      el('div', { class: 'places-foot' }, el('p', { class: 'places-summary' }), clearBtn));
  }

  function updatePlacesSummary(fs) {
    const parts = [];
    for (const { key, label } of PLACE_KINDS) {
      const chosen = [...ctl(fs, key).selectedOptions].map((o) => o.textContent);
      const radius = key === 'towns' ? ` (cells within ${ctl(fs, 'town_radius_km').value || 0} km)` : '';
      if (chosen.length) parts.push(`${label.toLowerCase()}: ${chosen.join(', ')}${radius}`);
    }
    fs.querySelector('.places-summary').textContent = parts.length
      ? `Applies to ${parts.join('; ')}.`
      : 'Applies to the whole study area (nothing chosen).';
  }

  function buildGroups(fs, groups) {
    const box = fs.querySelector('.groups-list');
    const checked = new Set([...box.querySelectorAll('input:checked')].map((c) => c.value));
    clear(box);
    for (const g of groups) {
      const cb = el('input', { type: 'checkbox', name: 'groups', value: g });
      cb.checked = checked.has(g);
      box.append(el('label', { class: 'check' }, cb, ` ${g}`));
    }
    if (!groups.length) box.append(el('span', { class: 'muted', text: 'The base scenario lists no groups.' }));
  }

  /** Shows the chosen kind's summary, capacity and option (defaults prefilled). */
  function applyKind(fs, resetValues) {
    const k = kindInfo(ctl(fs, 'kind').value);
    fs.querySelector('.kind-summary').textContent = capitalise(k.summary || '');
    for (const which of ['capacity', 'option']) {
      const wrap = fs.querySelector(`.field-${which}`);
      const input = ctl(fs, which);
      const spec = k[which];
      wrap.hidden = !spec;
      input.disabled = !spec;
      if (spec) {
        wrap.querySelector('label').textContent = capitalise(spec.meaning);
        if (resetValues || input.value === '') input.value = spec.default;
      }
    }
    if (fs.dataset.autoName === '1') ctl(fs, 'name').value = uniqueName(kindSlug(k.kind), fs);
    renumberInterventions();
  }

  function addIntervention() {
    const f = state.form;
    const n = f.numbers;
    const fs = el('fieldset', { class: 'intervention' });
    fs.dataset.autoName = '1';
    const kind = el('select', { name: 'kind' });
    for (const k of f.kinds) kind.append(el('option', { value: k.kind, text: k.title }));
    const name = el('input', { type: 'text', name: 'name', maxlength: 64, spellcheck: 'false' });
    const period = { min: $('#period-start').value, max: $('#period-end').value };
    const start = el('input', { type: 'date', name: 'start', value: defaultStart(), ...period });
    const end = el('input', { type: 'date', name: 'end', ...period });
    const rangeText = (s) => `${fmtNumber(s.min)} to ${fmtNumber(s.max)}`;
    const intensity = numberInput('intensity', n.intensity, 0.05, n.intensity.default ?? 0.5);
    const capacity = numberInput('capacity', n.capacity, 1, '');
    const option = numberInput('option', n.option, 0.01, '');
    const remove = el('button', { type: 'button', class: 'remove-intervention', text: 'Remove' });

    fs.append(
      el('legend', {}, el('span', { class: 'iv-title' })),
      el('div', { class: 'iv-head' },
        field('Kind of intervention', kind, { cls: 'wide', help: 'One of the six recommendations of the policy brief.' }),
        field('Name', name, { help: 'A short label for this intervention, unique within the policy (letters, digits, - and _).' }),
        remove),
      el('p', { class: 'kind-summary' }),
      el('div', { class: 'form-grid four' },
        field('Start', start, { unit: f.fields.start.unit, help: f.fields.start.help }),
        field('End', end, { unit: f.fields.end.unit, help: f.fields.end.help }),
        field('Intensity', intensity, { unit: n.intensity.unit || rangeText(n.intensity), help: n.intensity.help }),
        field('Capacity', capacity, { cls: 'field-capacity', unit: rangeText(n.capacity), help: n.capacity.help }),
        field('Option', option, { cls: 'field-option', unit: n.option.unit || rangeText(n.option), help: n.option.help })),
      buildPlaces(fs),
      el('div', { class: 'groups' },
        el('span', { class: 'group-label', text: 'Groups concerned' }),
        el('small', { class: 'help', text: f.fields.groups.help }),
        el('div', { class: 'groups-list', role: 'group', 'aria-label': 'Groups concerned' })));

    kind.addEventListener('change', () => applyKind(fs, true));
    name.addEventListener('input', () => { fs.dataset.autoName = '0'; });
    for (const type of ['change', 'input']) fs.addEventListener(type, () => updatePlacesSummary(fs));
    remove.addEventListener('click', () => { fs.remove(); renumberInterventions(); markComposedStale(); });

    $('#interventions').append(fs);
    buildGroups(fs, state.current ? state.current.groups : []);
    applyKind(fs, true);
    updatePlacesSummary(fs);
    markComposedStale();
    kind.focus();
  }

  function renumberInterventions() {
    const sets = interventionSets();
    sets.forEach((fs, i) => {
      const k = kindInfo(ctl(fs, 'kind').value);
      fs.querySelector('.iv-title').textContent = `Intervention ${i + 1}: ${k.title.replace(/^\d+\.\s*/, '')}`;
    });
    $('#interventions-empty').hidden = sets.length > 0;
  }

  /** After the base or the period changed: groups and date bounds of every intervention. */
  function refreshInterventions() {
    for (const fs of interventionSets()) {
      buildGroups(fs, state.current ? state.current.groups : []);
      for (const name of ['start', 'end']) {
        ctl(fs, name).min = $('#period-start').value;
        ctl(fs, name).max = $('#period-end').value;
      }
    }
  }

  // ---- reading the form ----------------------------------------------------

  const numOrNull = (input) => (input.disabled || input.value.trim() === '' ? null : Number(input.value));
  const selected = (fs, key) => [...ctl(fs, key).selectedOptions].map((o) => o.value);

  function readIntervention(fs) {
    const towns = selected(fs, 'towns');
    return {
      name: ctl(fs, 'name').value.trim(),
      kind: ctl(fs, 'kind').value,
      start: ctl(fs, 'start').value,
      end: ctl(fs, 'end').value || null,
      places: {
        countries: selected(fs, 'countries'),
        regions: selected(fs, 'regions'),
        areas: selected(fs, 'areas'),
        towns,
        town_radius_km: towns.length ? numOrNull(ctl(fs, 'town_radius_km')) : null,
        routes: selected(fs, 'routes'),
        gold_sites: selected(fs, 'gold_sites'),
      },
      groups: [...fs.querySelectorAll('input[name="groups"]:checked')].map((c) => c.value),
      intensity: numOrNull(ctl(fs, 'intensity')),
      capacity: numOrNull(ctl(fs, 'capacity')),
      option: numOrNull(ctl(fs, 'option')),
    };
  }

  function readPolicy() {
    const res = $('#resolution').value;
    return {
      base: state.current ? state.current.id : '',
      name: $('#policy-name').value.trim(),
      description: $('#policy-description').value,
      period: { start: $('#period-start').value, end: $('#period-end').value },
      resolution_deg: res === '' ? null : Number(res),
      interventions: interventionSets().map(readIntervention),
    };
  }

  /** Plain mistakes caught before asking the server (which checks everything again). */
  function checkPolicy(policy, replicates) {
    const msgs = [];
    const n = state.form.numbers;
    if (!NAME_PATTERN.test(policy.name)) msgs.push('The policy name may only contain letters, digits, - and _ (for example “my-policy”).');
    if (!policy.period.start || !policy.period.end) msgs.push('Give both dates of the period simulated.');
    else if (policy.period.start > policy.period.end) msgs.push('The period simulated ends before it starts.');
    if (replicates !== undefined && !(Number.isInteger(replicates) && replicates >= 2 && replicates <= 100)) {
      msgs.push('Replicates must be a whole number from 2 to 100.');
    }
    const names = new Set();
    policy.interventions.forEach((iv, i) => {
      const who = `Intervention ${i + 1}`;
      if (!iv.name) msgs.push(`${who}: give it a name.`);
      else if (names.has(iv.name)) msgs.push(`${who}: the name “${iv.name}” is used twice.`);
      names.add(iv.name);
      if (!iv.start) msgs.push(`${who}: give its start date.`);
      if (iv.end && iv.start && iv.end < iv.start) msgs.push(`${who}: it ends before it starts.`);
      for (const key of ['intensity', 'capacity', 'option']) {
        const v = iv[key];
        if (v !== null && (!ok(v) || v < n[key].min || v > n[key].max)) {
          msgs.push(`${who}: ${key} must be a number from ${fmtNumber(n[key].min)} to ${fmtNumber(n[key].max)}.`);
        }
      }
    });
    return msgs;
  }

  // ---- compose: check and show the scenario file ----------------------------

  function setDownload(fileName, text) {
    const a = $('#download-scenario');
    if (state.downloadUrl) URL.revokeObjectURL(state.downloadUrl);
    state.downloadUrl = null;
    if (text === null) {
      a.removeAttribute('href');
      a.setAttribute('aria-disabled', 'true');
      a.textContent = 'Download the scenario file';
      return;
    }
    state.downloadUrl = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    a.href = state.downloadUrl;
    a.download = fileName;
    a.setAttribute('aria-disabled', 'false');
    a.textContent = `Download ${fileName}`;
  }

  async function compose() {
    const policy = readPolicy();
    const errorsBox = $('#compose-errors');
    const status = $('#compose-status');
    clear(errorsBox);
    const msgs = checkPolicy(policy);
    if (msgs.length) { showMessages(errorsBox, msgs); setStatus(status, ''); return; }
    state.composing = true;
    updateButtons();
    setStatus(status, 'Checking the policy…', 'busy');
    const { status: code, data } = await api('POST', 'api/compose', policy);
    state.composing = false;
    updateButtons();
    if (code === 200) {
      showCode($('#scenario-text'), data.text || '');
      setDownload(data.file_name || `${policy.name}.ron`, data.text || '');
      setStatus(status, `The policy is valid. Its scenario file, ${data.file_name || ''}, is shown below; it extends the base scenario.`, 'good');
    } else {
      setDownload(null, null);
      showErrors(errorsBox, data, code === 422 ? 'The policy has errors (the line numbers refer to the file shown below):' : null);
      const errLines = new Set((data.errors || []).map((e) => e.line).filter(ok));
      if (typeof data.text === 'string') showCode($('#scenario-text'), data.text, errLines);
      else $('#scenario-text').hidden = true;
      setStatus(status, 'The policy was not accepted: see the errors.', 'error');
    }
  }

  /** After an edit, a file shown is no longer the form's. */
  function markComposedStale() {
    const pre = $('#scenario-text');
    if (pre.hidden || pre.classList.contains('stale')) return;
    pre.classList.add('stale');
    setStatus($('#compose-status'), 'The form has changed since this file was checked: check it again to update it.', 'warn');
  }
  function unmarkStale() { $('#scenario-text').classList.remove('stale'); }

  // ===========================================================================
  // 3. Run: start, progress (Server-Sent Events), cancel
  // ===========================================================================

  const isRunning = () => !!state.run && !FINAL_STATES.has(state.run.state);

  function updateButtons() {
    const usable = !!state.form && !!state.current && !(state.current.errors && state.current.errors.length);
    $('#run-button').disabled = isRunning() || state.starting || !usable;
    $('#cancel-button').disabled = !isRunning();
    $('#compose-button').disabled = state.composing || !usable;
    $('#add-intervention').disabled = !state.form || !state.current;
  }

  async function startRun() {
    const policy = readPolicy();
    const replicates = Number($('#replicates').value);
    const errorsBox = $('#run-errors');
    clear(errorsBox);
    const msgs = checkPolicy(policy, replicates);
    if (msgs.length) { showMessages(errorsBox, msgs); return; }
    state.starting = true;
    updateButtons();
    const { status: code, data } = await api('POST', 'api/runs', { ...policy, replicates });
    state.starting = false;
    if (code === 202 && data.run) {
      clearResults();
      state.runStartedAt = Date.now();
      state.finishedId = null;
      setRunStatus(data.run);
      if (FINAL_STATES.has(data.run.state)) finishRun(data.run);
      else listen(data.run.id);
    } else {
      showErrors(errorsBox, data, code === 422 ? 'The policy has errors; nothing was run:' : 'The run could not start:');
      if (typeof data.text === 'string') {
        const pre = el('pre', { class: 'code' });
        errorsBox.append(el('p', { class: 'help', text: 'The scenario file the policy makes (the line numbers above refer to it):' }), pre);
        showCode(pre, data.text, new Set((data.errors || []).map((e) => e.line).filter(ok)));
      }
    }
    updateButtons();
  }

  function setRunStatus(run) {
    state.run = run;
    const stateEl = $('#run-state');
    stateEl.dataset.state = run.state;
    const pct = ok(run.percent) ? run.percent : 0;
    $('#progress').value = Math.max(0, Math.min(100, pct));
    const who = `“${run.name}” against “${run.base}”, ${fmtInt(run.replicates)} replicates`;
    let line;
    if (run.state === 'running') line = `Running ${who}: ${STAGES[run.stage] || run.stage || ''}.`;
    else if (run.state === 'done') line = `Done: ${who}. The map and the comparison are below.`;
    else if (run.state === 'failed') line = `The run failed: ${(run.message || 'no reason given').split('\n')[0]}.`;
    else if (run.state === 'cancelled') line = `Cancelled: ${who}. Nothing more is computed.`;
    else line = `${capitalise(run.state)}: ${who}.`;
    stateEl.textContent = line.replace(/\.\.$/, '.');
    $('#progress-text').textContent = progressText(run, pct);
    updateButtons();
  }

  function progressText(run, pct) {
    const parts = [`${pct.toFixed(1)} %`];
    if (ok(run.done) && ok(run.total) && run.total > 0) parts.push(`${fmtInt(run.done)} of ${fmtInt(run.total)} steps`);
    if (run.message && run.state !== 'failed') parts.push(run.message);
    if (run.state === 'running' && pct > 3 && pct < 100) {
      const elapsed = (Date.now() - state.runStartedAt) / 1000;
      parts.push(`about ${fmtDuration((elapsed * (100 - pct)) / pct)} left`);
    }
    return parts.join(' · ');
  }

  function listen(id) {
    stopListening();
    const source = new EventSource(runUrl(id, '/progress'));
    state.source = source;
    const onStatus = (ev) => {
      let run;
      try { run = JSON.parse(ev.data); } catch (e) { return; }
      if (!state.run || run.id !== state.run.id) return;
      setRunStatus(run);
      if (FINAL_STATES.has(run.state)) finishRun(run);
    };
    source.addEventListener('status', onStatus);
    source.onmessage = onStatus;
    source.onerror = () => {
      // The stream broke before a final state: ask for the status once a second instead.
      if (state.source !== source) return;
      stopListening();
      if (isRunning()) poll(id);
    };
  }

  function stopListening() {
    if (state.source) { state.source.close(); state.source = null; }
    if (state.pollTimer) { clearTimeout(state.pollTimer); state.pollTimer = null; }
  }

  function poll(id) {
    state.pollTimer = setTimeout(async () => {
      state.pollTimer = null;
      const { ok: good, data } = await api('GET', runUrl(id));
      if (!state.run || state.run.id !== id || !isRunning()) return;
      if (!good) { showErrors($('#run-errors'), data, 'Lost track of the run:'); return; }
      setRunStatus(data);
      if (FINAL_STATES.has(data.state)) finishRun(data); else poll(id);
    }, 1000);
  }

  /** Lets the progress stream end by itself (the server ends it after the final state; closing it
   *  before would abort the request), then closes it so that the browser does not reconnect. */
  function releaseSource() {
    const source = state.source;
    state.source = null;
    if (state.pollTimer) { clearTimeout(state.pollTimer); state.pollTimer = null; }
    if (!source) return;
    const timer = setTimeout(() => source.close(), 5000);
    source.onerror = () => { clearTimeout(timer); source.close(); };
  }

  function finishRun(run) {
    releaseSource();
    if (state.finishedId === run.id) return;
    state.finishedId = run.id;
    updateButtons();
    if (run.state === 'done') loadResults(run.id);
    if (run.state === 'failed' && /\n/.test(run.message || '')) {
      // A long error (several lines, e.g. a located scenario error) is easier to read in full.
      showErrors($('#run-errors'), { errors: [{ text: run.message || 'The run failed; no reason was given.' }] }, 'What went wrong:');
    }
  }

  async function cancelRun() {
    if (!isRunning()) return;
    const id = state.run.id;
    $('#cancel-button').disabled = true;
    const { ok: good, data } = await api('POST', runUrl(id, '/cancel'));
    if (good && data.run) {
      if (state.run && state.run.id === id) setRunStatus(data.run);
      if (FINAL_STATES.has(data.run.state)) finishRun(data.run);
    } else {
      showErrors($('#run-errors'), data, 'The run could not be cancelled:');
      updateButtons();
    }
  }

  // ===========================================================================
  // Results: fetched when a run is done, cleared when a new one starts
  // ===========================================================================

  function clearResults() {
    stopPlay();
    state.watch = null;
    state.comparison = null;
    state.map = null;
    state.panels = [];
    $('#map-body').hidden = true;
    $('#map-placeholder').hidden = false;
    $('#map-placeholder').textContent = 'The map appears here when the run is done.';
    clear($('#panels'));
    clear($('#map-legend'));
    $('#play-button').disabled = true;
    $('#comparison-body').hidden = true;
    $('#comparison-placeholder').hidden = false;
    $('#comparison-placeholder').textContent = 'The comparison appears here when the run is done.';
    clear($('#comparison-table'));
    for (const id of ['#difference-map', '#forest-plot']) $(id).removeAttribute('src');
    for (const id of ['#report-link', '#csv-link', '#scenario-link']) $(id).removeAttribute('href');
  }

  async function loadResults(id) {
    $('#map-placeholder').textContent = 'Loading the map…';
    $('#comparison-placeholder').textContent = 'Loading the comparison…';
    const [w, c] = await Promise.all([api('GET', runUrl(id, '/watch')), api('GET', runUrl(id, '/comparison'))]);
    if (!state.run || state.run.id !== id) return; // a newer run started meanwhile
    if (w.ok) showWatch(w.data);
    else $('#map-placeholder').textContent = `The map could not be loaded: ${w.data.error || 'unknown error'}`;
    if (c.ok) showComparison(id, c.data);
    else $('#comparison-placeholder').textContent = `The comparison could not be loaded: ${c.data.error || 'unknown error'}`;
  }

  // ===========================================================================
  // 4. Map: decoding the frames
  // ===========================================================================

  function base64Bytes(s) {
    const bin = atob(s || '');
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i += 1) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  function littleEndianU32(bytes, n) {
    const out = new Uint32Array(n);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const count = Math.min(n, Math.floor(bytes.byteLength / 4));
    for (let i = 0; i < count; i += 1) out[i] = view.getUint32(4 * i, true);
    return out;
  }

  function decodeWatch(w) {
    const n = w.map.width * w.map.height;
    let maxDisplaced = 0;
    let maxEvents = 0;
    const frames = w.frames.map((f) => {
      const control = base64Bytes(f.control);
      const displaced = littleEndianU32(base64Bytes(f.displaced), n);
      for (let i = 0; i < n; i += 1) if (displaced[i] > maxDisplaced) maxDisplaced = displaced[i];
      let total = 0;
      for (const [, count] of f.events) { total += count; if (count > maxEvents) maxEvents = count; }
      return { events: f.events, control, displaced, eventTotal: total };
    });
    const places = new Uint8Array(n);
    for (const cell of w.places || []) if (cell >= 0 && cell < n) places[cell] = 1;
    return { ...w, frames, places, maxDisplaced, maxEvents };
  }

  // ===========================================================================
  // 4. Map: drawing (a cached background and overlays, the layer on top each month)
  // ===========================================================================

  function hexRgb(hex) { return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)); }

  /** 256 colours along the yellow-to-red ramp. */
  const LUT = (() => {
    const stops = RAMP.map(hexRgb);
    const lut = [];
    for (let i = 0; i < 256; i += 1) {
      const t = (i / 255) * (stops.length - 1);
      const a = Math.floor(t);
      const b = Math.min(stops.length - 1, a + 1);
      const f = t - a;
      lut.push(stops[a].map((v, k) => Math.round(v + (stops[b][k] - v) * f)));
    }
    return lut;
  })();

  /** A canvas of the given CSS size, sharp on high-density screens; returns its 2D context. */
  function sizeCanvas(canvas, cssW, cssH) {
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  }

  function setupMap() {
    const w = state.watch;
    const { width: W, height: H } = w.map;
    const avail = Math.min(MAP_MAX_WIDTH, $('#map-holder').clientWidth || MAP_MAX_WIDTH);
    const cell = Math.min(avail / W, MAP_MAX_HEIGHT / H);
    const cssW = Math.floor(W * cell);
    const cssH = Math.floor(H * cell);
    const canvas = $('#map');
    const ctx = sizeCanvas(canvas, cssW, cssH);
    const layer = (draw) => { const c = document.createElement('canvas'); draw(sizeCanvas(c, cssW, cssH)); return c; };
    const grid = document.createElement('canvas');
    grid.width = W;
    grid.height = H;
    const m = { W, H, cell, cssW, cssH, ctx, grid, gridCtx: grid.getContext('2d') };
    m.image = m.gridCtx.createImageData(W, H);
    state.map = m;
    m.background = layer((c) => drawBackground(c, m));
    m.lines = layer((c) => drawBorders(c, m));
    m.towns = layer((c) => drawTowns(c, m));
  }

  /** The cell (col, row) at the canvas's top-left corner of its square, north up. */
  const cellX = (m, col) => col * m.cell;
  const cellY = (m, row) => (m.H - 1 - row) * m.cell;

  /** Paints one colour per cell through the small grid canvas, scaled up without smoothing. */
  function paintCells(ctx, m, colourOf) {
    const data = m.image.data;
    for (let row = 0; row < m.H; row += 1) {
      for (let col = 0; col < m.W; col += 1) {
        const rgba = colourOf(row * m.W + col);
        const p = ((m.H - 1 - row) * m.W + col) * 4;
        data[p] = rgba[0]; data[p + 1] = rgba[1]; data[p + 2] = rgba[2]; data[p + 3] = rgba[3];
      }
    }
    m.gridCtx.putImageData(m.image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(m.grid, 0, 0, m.cssW, m.cssH);
  }

  function drawBackground(ctx, m) {
    const { country, region } = state.watch.map;
    const study = [225, 225, 219, 255];
    const neighbour = [240, 240, 236, 255];
    const outside = [251, 251, 249, 255];
    paintCells(ctx, m, (i) => (region[i] >= 0 ? study : country[i] >= 0 ? neighbour : outside));
  }

  /** The study countries' names, at the centre of their cells (drawn above the layers). */
  function drawCountryNames(ctx, m) {
    const { country, region, countries } = state.watch.map;
    const sums = countries.map(() => [0, 0, 0]);
    country.forEach((c, i) => {
      if (c >= 0 && region[i] >= 0) { sums[c][0] += i % m.W; sums[c][1] += Math.floor(i / m.W); sums[c][2] += 1; }
    });
    ctx.font = '600 13px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    sums.forEach(([sx, sy, n], c) => {
      if (n < 20) return;
      const x = cellX(m, sx / n + 0.5);
      const y = cellY(m, sy / n - 0.5);
      const name = countries[c].toUpperCase();
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.7)';
      ctx.lineWidth = 3;
      ctx.strokeText(name, x, y);
      ctx.fillStyle = 'rgba(70, 70, 64, 0.75)';
      ctx.fillText(name, x, y);
    });
  }

  /** Region borders (thin), country borders (thick) and the policy's places (outlined). */
  function drawBorders(ctx, m) {
    const { country, region } = state.watch.map;
    const places = state.watch.places;
    const paths = { region: new Path2D(), country: new Path2D(), places: new Path2D() };
    const edge = (path, x0, y0, x1, y1) => { path.moveTo(x0, y0); path.lineTo(x1, y1); };
    for (let row = 0; row < m.H; row += 1) {
      for (let col = 0; col < m.W; col += 1) {
        const i = row * m.W + col;
        const x = cellX(m, col);
        const y = cellY(m, row);
        const neighbours = [
          [col + 1 < m.W ? i + 1 : -1, x + m.cell, y, x + m.cell, y + m.cell], // east
          [row + 1 < m.H ? i + m.W : -1, x, y, x + m.cell, y],                 // north
        ];
        for (const [j, x0, y0, x1, y1] of neighbours) {
          if (j < 0) continue;
          if (country[i] !== country[j]) edge(paths.country, x0, y0, x1, y1);
          else if (region[i] !== region[j]) edge(paths.region, x0, y0, x1, y1);
          if (places[i] !== places[j]) edge(paths.places, x0, y0, x1, y1);
        }
        if (places[i]) {
          if (col === 0) edge(paths.places, x, y, x, y + m.cell);
          if (col === m.W - 1) edge(paths.places, x + m.cell, y, x + m.cell, y + m.cell);
          if (row === 0) edge(paths.places, x, y + m.cell, x + m.cell, y + m.cell);
          if (row === m.H - 1) edge(paths.places, x, y, x + m.cell, y);
        }
      }
    }
    ctx.lineCap = 'round';
    ctx.strokeStyle = 'rgba(110, 110, 104, 0.75)';
    ctx.lineWidth = 0.7;
    ctx.stroke(paths.region);
    ctx.strokeStyle = '#3d3d3a';
    ctx.lineWidth = 1.8;
    ctx.stroke(paths.country);
    ctx.strokeStyle = PLACES_COLOUR;
    ctx.lineWidth = 2.5;
    ctx.stroke(paths.places);
  }

  function drawTowns(ctx, m) {
    drawCountryNames(ctx, m);
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    for (const t of state.watch.map.towns || []) {
      const x = cellX(m, t.col) + m.cell / 2;
      const y = cellY(m, t.row) + m.cell / 2;
      ctx.beginPath();
      ctx.arc(x, y, 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = '#111';
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 1.5;
      ctx.fill();
      ctx.stroke();
      const width = ctx.measureText(t.name).width;
      const left = x + 7 + width > m.cssW;
      ctx.textAlign = left ? 'right' : 'left';
      const tx = left ? x - 7 : x + 7;
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
      ctx.lineWidth = 3;
      ctx.strokeText(t.name, tx, y);
      ctx.fillStyle = '#111';
      ctx.fillText(t.name, tx, y);
    }
  }

  const eventRadius = (m, count) => {
    const rMax = Math.max(7, Math.min(20, m.cell * 1.6));
    return Math.max(2.5, rMax * Math.sqrt(count / Math.max(1, state.watch.maxEvents)));
  };

  function drawFrame() {
    const m = state.map;
    const w = state.watch;
    if (!m || !w) return;
    const frame = w.frames[state.month];
    const { ctx } = m;
    ctx.clearRect(0, 0, m.cssW, m.cssH);
    ctx.drawImage(m.background, 0, 0, m.cssW, m.cssH);
    if (frame && state.layer === 'control') {
      paintCells(ctx, m, (i) => (frame.control[i] >= 3 ? [...LUT[frame.control[i]], 215] : [0, 0, 0, 0]));
    } else if (frame && state.layer === 'displaced') {
      const max = Math.max(1, w.maxDisplaced);
      paintCells(ctx, m, (i) => {
        const v = frame.displaced[i];
        return v > 0 ? [...LUT[Math.round(Math.sqrt(v / max) * 255)], 215] : [0, 0, 0, 0];
      });
    }
    ctx.drawImage(m.lines, 0, 0, m.cssW, m.cssH);
    if (frame && state.layer === 'events') drawEvents(ctx, m, frame);
    ctx.drawImage(m.towns, 0, 0, m.cssW, m.cssH);
  }

  function drawEvents(ctx, m, frame) {
    const sorted = [...frame.events].sort((a, b) => b[1] - a[1]);
    ctx.fillStyle = 'rgba(213, 94, 0, 0.55)';
    ctx.strokeStyle = 'rgba(110, 40, 0, 0.9)';
    ctx.lineWidth = 0.8;
    for (const [cell, count] of sorted) {
      const col = cell % m.W;
      const row = Math.floor(cell / m.W);
      ctx.beginPath();
      ctx.arc(cellX(m, col) + m.cell / 2, cellY(m, row) + m.cell / 2, eventRadius(m, count), 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }

  /** What the pointer is over: region, country, and the layer's values there. */
  function describeCell(ev) {
    const m = state.map;
    const w = state.watch;
    if (!m || !w) return;
    const rect = $('#map').getBoundingClientRect();
    const col = Math.floor((ev.clientX - rect.left) / m.cell);
    const row = m.H - 1 - Math.floor((ev.clientY - rect.top) / m.cell);
    const out = $('#map-hover');
    if (col < 0 || col >= m.W || row < 0 || row >= m.H) { out.textContent = 'Point at the map to read a cell.'; return; }
    const i = row * m.W + col;
    const { country, region, countries, regions } = w.map;
    const frame = w.frames[state.month];
    const where = [region[i] >= 0 ? regions[region[i]] : null, country[i] >= 0 ? countries[country[i]] : 'outside every country']
      .filter(Boolean).join(', ');
    const hit = frame.events.find(([c]) => c === i);
    const parts = [
      `${fmtInt(hit ? hit[1] : 0)} events`,
      `militant control ${fmtInt((frame.control[i] / 255) * 100)} %`,
      `${fmtInt(frame.displaced[i])} people displaced`,
    ];
    out.textContent = `${where} (${w.months[state.month]}): ${parts.join(' · ')}${w.places[i] ? ' · the policy applies here' : ''}`;
  }

  // ---- legend --------------------------------------------------------------

  function rampBar() {
    const bar = el('div', { class: 'ramp-bar' });
    bar.style.background = `linear-gradient(to right, ${RAMP.join(', ')})`;
    return bar;
  }

  function renderLegend() {
    const box = clear($('#map-legend'));
    const w = state.watch;
    const m = state.map;
    const layerBox = el('div', { class: 'legend-block' });
    if (state.layer === 'events') {
      const max = Math.max(1, w.maxEvents);
      const values = [...new Set([1, Math.round(max / 4), max])].filter((v) => v >= 1);
      const row = el('div', { class: 'circle-row' });
      for (const v of values) {
        const d = 2 * eventRadius(m, v);
        const dot = el('span', { class: 'circle' });
        dot.style.width = `${d}px`;
        dot.style.height = `${d}px`;
        row.append(el('span', { class: 'circle-item' }, dot, el('span', { text: fmtInt(v) })));
      }
      layerBox.append(el('h4', { text: 'Violent events in the month' }),
        el('p', { class: 'help', text: 'Circles sized by the number of events in a cell (policy run).' }), row);
    } else if (state.layer === 'control') {
      layerBox.append(el('h4', { text: 'Militant control' }),
        el('p', { class: 'help', text: 'Armed groups’ control of the cell’s communities at the month’s end (cells without any are left grey).' }),
        rampBar(), el('div', { class: 'ramp-ticks' }, el('span', { text: '0 %' }), el('span', { text: '50 %' }), el('span', { text: '100 %' })));
    } else {
      const max = w.maxDisplaced;
      layerBox.append(el('h4', { text: 'People displaced' }),
        el('p', { class: 'help', text: 'People displaced from the cell at the month’s end. Same scale for every month (square-root scale).' }),
        rampBar(), el('div', { class: 'ramp-ticks' }, el('span', { text: '0' }), el('span', { text: fmtInt(max / 4) }), el('span', { text: fmtInt(max) })));
    }
    layerBox.append(el('p', { id: 'legend-stat', class: 'legend-stat' }));
    const item = (cls, text) => el('li', {}, el('span', { class: `key ${cls}` }), el('span', { text }));
    const keys = el('ul', { class: 'legend-keys' },
      item('places', 'where the policy applies'),
      item('country-border', 'country border'),
      item('region-border', 'region border'),
      item('town', 'main town'),
      item('study', 'study area'),
      item('neighbour', 'neighbouring country'));
    box.append(layerBox, el('div', { class: 'legend-block' }, el('h4', { text: 'On the map' }), keys));
    updateLegendStat();
  }

  function updateLegendStat() {
    const stat = $('#legend-stat');
    const w = state.watch;
    if (!stat || !w) return;
    const frame = w.frames[state.month];
    if (!frame) { stat.textContent = ''; return; }
    if (state.layer === 'events') {
      stat.textContent = `This month: ${fmtInt(frame.eventTotal)} events in ${fmtInt(frame.events.length)} cells.`;
    } else if (state.layer === 'control') {
      let n = 0;
      for (const v of frame.control) if (v >= 128) n += 1;
      stat.textContent = `This month: ${fmtInt(n)} cells at 50 % control or more.`;
    } else {
      let total = 0;
      for (const v of frame.displaced) total += v;
      stat.textContent = `This month: ${fmtInt(total)} people displaced in all.`;
    }
  }

  // ---- month: slider, label, play -------------------------------------------

  function setMonth(month) {
    const w = state.watch;
    if (!w) return;
    state.month = Math.max(0, Math.min(w.months.length - 1, Math.round(month)));
    $('#month-slider').value = String(state.month);
    const inForce = state.month >= w.policy_start;
    const label = $('#month-label');
    label.textContent = `${w.months[state.month] || ''} · ${inForce ? 'policy in force' : 'before the policy'}`;
    label.classList.toggle('in-force', inForce);
    drawFrame();
    drawPanels();
    updateLegendStat();
  }

  function startPlay() {
    const w = state.watch;
    if (!w) return;
    if (state.month >= w.months.length - 1) setMonth(0);
    const button = $('#play-button');
    button.textContent = 'Pause';
    button.setAttribute('aria-pressed', 'true');
    state.playTimer = setInterval(() => {
      setMonth(state.month + 1);
      if (state.month >= w.months.length - 1) stopPlay();
    }, 1000 / MONTHS_PER_SECOND);
  }

  function stopPlay() {
    if (state.playTimer) clearInterval(state.playTimer);
    state.playTimer = null;
    const button = $('#play-button');
    button.textContent = 'Play';
    button.setAttribute('aria-pressed', 'false');
  }

  function showWatch(raw) {
    state.watch = decodeWatch(raw);
    const w = state.watch;
    $('#map-placeholder').hidden = true;
    $('#map-body').hidden = false;
    const slider = $('#month-slider');
    slider.max = String(Math.max(0, w.months.length - 1));
    $('#play-button').disabled = w.months.length < 2;
    $('#legend-base-name').textContent = `base (${state.run ? state.run.base : 'base'})`;
    $('#legend-policy-name').textContent = `policy (${state.run ? state.run.name : 'policy'})`;
    setupMap();
    buildPanels();
    renderLegend();
    setMonth(Math.min(w.policy_start || 0, w.months.length - 1));
  }

  // ===========================================================================
  // 4. Panels: small line charts, base vs policy, with a cursor at the month
  // ===========================================================================

  function buildPanels() {
    const box = clear($('#panels'));
    const w = state.watch;
    state.panels = SERIES.map((s) => {
      const canvas = el('canvas', { class: 'panel-chart', role: 'img', 'aria-label': `${s.title}, base and policy, by month` });
      const values = el('p', { class: 'panel-values' });
      box.append(el('div', { class: 'panel' },
        el('h4', {}, s.title, el('span', { class: 'panel-unit', text: ` ${s.unit}` })), canvas, values));
      const base = (w.series.base && w.series.base[s.key]) || [];
      const policy = (w.series.policy && w.series.policy[s.key]) || [];
      const ymax = niceCeil(Math.max(1, ...base, ...policy));
      const panel = { ...s, canvas, values, base, policy, ymax };
      canvas.addEventListener('click', (ev) => setMonth(monthAt(panel, ev)));
      return panel;
    });
    sizePanels();
  }

  function sizePanels() {
    for (const p of state.panels) {
      p.cssW = Math.max(200, p.canvas.parentElement.clientWidth - 2);
      p.ctx = sizeCanvas(p.canvas, p.cssW, PANEL_HEIGHT);
    }
  }

  /** The smallest 1, 2, 2.5, 4, 5 or 10 × 10^k at or above x (so the axis reads in round numbers). */
  function niceCeil(x) {
    const p = 10 ** Math.floor(Math.log10(x));
    return [1, 2, 2.5, 4, 5, 10].map((f) => f * p).find((v) => v >= x);
  }

  const PAD = { l: 46, r: 10, t: 10, b: 22 };
  const panelX = (p, i, n) => PAD.l + (n <= 1 ? 0 : (i / (n - 1)) * (p.cssW - PAD.l - PAD.r));
  const panelY = (p, v) => PAD.t + (1 - v / p.ymax) * (PANEL_HEIGHT - PAD.t - PAD.b);
  function monthAt(p, ev) {
    const n = state.watch.months.length;
    const x = ev.clientX - p.canvas.getBoundingClientRect().left;
    return ((x - PAD.l) / (p.cssW - PAD.l - PAD.r)) * (n - 1);
  }

  function drawPanels() {
    for (const p of state.panels) drawPanel(p);
  }

  function drawPanel(p) {
    const w = state.watch;
    const { ctx } = p;
    const n = w.months.length;
    const bottom = PANEL_HEIGHT - PAD.b;
    ctx.clearRect(0, 0, p.cssW, PANEL_HEIGHT);
    // The policy period, lightly shaded, its start dashed.
    const xs = panelX(p, w.policy_start, n);
    ctx.fillStyle = 'rgba(213, 94, 0, 0.06)';
    ctx.fillRect(xs, PAD.t, p.cssW - PAD.r - xs, bottom - PAD.t);
    // Horizontal grid with values.
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    for (const f of [0, 0.5, 1]) {
      const v = p.ymax * f;
      const y = panelY(p, v);
      ctx.strokeStyle = f === 0 ? '#9a9a94' : '#e4e4e0';
      ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(PAD.l, y); ctx.lineTo(p.cssW - PAD.r, y); ctx.stroke();
      ctx.fillStyle = '#5b6470';
      ctx.fillText(fmtCompact(v), PAD.l - 5, y);
    }
    drawYearTicks(p, ctx, n, bottom);
    ctx.save();
    ctx.setLineDash([4, 3]);
    ctx.strokeStyle = '#666';
    ctx.beginPath(); ctx.moveTo(xs, PAD.t); ctx.lineTo(xs, bottom); ctx.stroke();
    ctx.restore();
    drawLine(p, ctx, p.base, BASE_COLOUR, 2.2);
    drawLine(p, ctx, p.policy, POLICY_COLOUR, 1.6);
    drawCursor(p, ctx, n, bottom);
  }

  function drawYearTicks(p, ctx, n, bottom) {
    const months = state.watch.months;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#5b6470';
    ctx.strokeStyle = '#9a9a94';
    let labelled = false;
    let lastX = -Infinity;
    months.forEach((m, i) => {
      if (!m.endsWith('-01')) return;
      const x = panelX(p, i, n);
      ctx.beginPath(); ctx.moveTo(x, bottom); ctx.lineTo(x, bottom + 3); ctx.stroke();
      if (x - lastX >= 34) { ctx.fillText(m.slice(0, 4), x, bottom + 5); lastX = x; labelled = true; }
    });
    if (!labelled && months.length) {
      ctx.textAlign = 'left';
      ctx.fillText(months[0], PAD.l, bottom + 5);
      ctx.textAlign = 'right';
      ctx.fillText(months[months.length - 1], p.cssW - PAD.r, bottom + 5);
    }
  }

  function drawLine(p, ctx, values, colour, width) {
    if (!values.length) return;
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    values.forEach((v, i) => {
      const x = panelX(p, i, values.length);
      const y = panelY(p, v);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }

  function drawCursor(p, ctx, n, bottom) {
    const i = state.month;
    const x = panelX(p, i, n);
    ctx.strokeStyle = '#1d1d1b';
    ctx.lineWidth = 1.2;
    ctx.beginPath(); ctx.moveTo(x, PAD.t); ctx.lineTo(x, bottom); ctx.stroke();
    for (const [values, colour] of [[p.base, BASE_COLOUR], [p.policy, POLICY_COLOUR]]) {
      if (!ok(values[i])) continue;
      ctx.beginPath();
      ctx.arc(x, panelY(p, values[i]), 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = colour;
      ctx.fill();
    }
    const b = p.base[i];
    const q = p.policy[i];
    clear(p.values).append(
      el('span', { class: 'month', text: `${state.watch.months[i]}: ` }),
      el('span', { class: 'v-base', text: `base ${fmtInt(b)}` }), ' · ',
      el('span', { class: 'v-policy', text: `policy ${fmtInt(q)}` }),
      ok(b) && ok(q) && b !== q ? el('span', { class: 'v-diff', text: ` (${fmtDiff(q - b)})` }) : '');
  }

  // ===========================================================================
  // 5. Comparison: table, images, downloads
  // ===========================================================================

  function showComparison(id, c) {
    state.comparison = c;
    $('#comparison-placeholder').hidden = true;
    $('#comparison-body').hidden = false;
    const [from, to] = c.policy_period || [];
    $('#comparison-summary').textContent =
      `“${c.scenario}” against “${c.base}”: means over ${fmtInt(c.replicates)} replicates, from ${fmtDate(from)} to ${fmtDate(to)} (the policy period), whole study area.`;
    renderComparisonTable();
    const files = new Set(c.files || []);
    setImage($('#difference-map'), files.has('compare_map_events.png') ? fileUrl(id, 'compare_map_events.png') : null);
    setImage($('#forest-plot'), files.has('compare_forest.png') ? fileUrl(id, 'compare_forest.png') : null);
    setLink($('#report-link'), files.has('report.html') ? fileUrl(id, 'report.html') : null);
    setLink($('#csv-link'), files.has('compare.csv') ? fileUrl(id, 'compare.csv') : null);
    setLink($('#scenario-link'), fileUrl(id, 'scenario.ron'));
    $('#scenario-link').download = `${c.scenario || 'scenario'}.ron`;
  }

  function setImage(img, url) {
    const fig = img.closest('figure');
    const full = $(`#${img.id}-full`);
    if (url) { img.src = url; full.href = url; fig.hidden = false; } else { img.removeAttribute('src'); fig.hidden = true; }
  }

  function setLink(a, url) {
    if (url) { a.href = url; a.hidden = false; } else { a.removeAttribute('href'); a.hidden = true; }
  }

  function renderComparisonTable() {
    const c = state.comparison;
    const table = clear($('#comparison-table'));
    if (!c) return;
    const whole = (c.rows || []).filter((r) => r.area === 'all' && (r.region === null || r.region === undefined));
    const key = whole.filter((r) => KEY_OUTCOMES.includes(r.outcome));
    const rows = $('#all-outcomes').checked || !key.length ? whole : key;
    const head = ['Outcome', 'Unit', 'Base mean', 'Policy mean', 'Difference', '95 % interval', 'Relative change', 'Clear change?'];
    table.append(el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', text: h })))));
    const body = el('tbody');
    for (const r of rows) {
      const tr = el('tr', { class: r.significant ? 'significant' : '' },
        el('th', { scope: 'row', text: capitalise(r.label || r.outcome) }),
        el('td', { class: 'unit-cell', text: r.unit || '' }),
        el('td', { class: 'num', text: fmtNumber(r.base_mean) }),
        el('td', { class: 'num', text: fmtNumber(r.mean) }),
        el('td', { class: 'num', text: fmtDiff(r.diff) }),
        el('td', { class: 'num interval', text: fmtInterval(r.lo, r.hi) }),
        el('td', { class: 'num', text: fmtPercent(r.relative) }),
        el('td', { class: 'sig', text: r.significant ? '✱ yes' : 'no' }));
      tr.title = r.significant
        ? 'The 95 % interval excludes zero: the policy changes this outcome.'
        : 'The 95 % interval includes zero: no clear change with this many replicates.';
      body.append(tr);
    }
    if (!rows.length) body.append(el('tr', {}, el('td', { colspan: head.length, text: 'No rows for the whole study area.' })));
    table.append(body);
  }

  // ===========================================================================
  // Start-up and wiring
  // ===========================================================================

  function pageError(text) {
    const box = $('#page-errors');
    box.append(el('p', { text }));
    box.hidden = false;
  }

  function wire() {
    $('#scenario-select').addEventListener('change', (ev) => {
      setStatus($('#upload-status'), '');
      selectScenario(state.scenarios.find((s) => s.id === ev.target.value) || null);
    });
    $('#upload-input').addEventListener('change', async (ev) => {
      const file = ev.target.files && ev.target.files[0];
      if (file) await uploadFile(file);
      ev.target.value = ''; // the same file can be chosen again
    });
    $('#add-intervention').addEventListener('click', addIntervention);
    $('#compose-button').addEventListener('click', () => { unmarkStale(); compose(); });
    $('#download-scenario').addEventListener('click', (ev) => { if (!state.downloadUrl) ev.preventDefault(); });
    for (const id of ['#period-start', '#period-end']) $(id).addEventListener('change', refreshInterventions);
    const section = $('#policy-section');
    for (const type of ['input', 'change']) {
      section.addEventListener(type, (ev) => { if (ev.target.closest('#interventions, .form-grid')) markComposedStale(); });
    }
    $('#policy-name').addEventListener('input', (ev) => ev.target.classList.toggle('invalid', !NAME_PATTERN.test(ev.target.value.trim())));
    $('#run-button').addEventListener('click', startRun);
    $('#cancel-button').addEventListener('click', cancelRun);
    $('#layer-select').addEventListener('change', (ev) => { state.layer = ev.target.value; renderLegend(); drawFrame(); });
    $('#month-slider').addEventListener('input', (ev) => setMonth(Number(ev.target.value)));
    $('#play-button').addEventListener('click', () => (state.playTimer ? stopPlay() : startPlay()));
    $('#map').addEventListener('mousemove', describeCell);
    $('#all-outcomes').addEventListener('change', renderComparisonTable);
    let resizeTimer = null;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        if (!state.watch || $('#map-body').hidden) return;
        setupMap(); sizePanels(); renderLegend(); setMonth(state.month);
      }, 200);
    });
  }

  async function init() {
    wire();
    const [s, f] = await Promise.all([api('GET', 'api/scenarios'), api('GET', 'api/form')]);
    if (f.ok && Array.isArray(f.data.kinds)) state.form = f.data;
    else pageError(`The policy form could not be loaded: ${f.data.error || 'unknown error'}`);
    if (s.ok && Array.isArray(s.data.scenarios)) {
      state.scenarios = s.data.scenarios;
      sortScenarios();
      selectScenario(renderScenarioSelect('baseline.ron'));
    } else {
      pageError(`The scenarios could not be loaded: ${s.data.error || 'unknown error'}`);
    }
    await resumeRun();
    updateButtons();
  }

  /** After a reload: follow this browser's run still going, or show its latest finished one. */
  async function resumeRun() {
    const { ok: fine, data } = await api('GET', 'api/runs');
    if (!fine || !Array.isArray(data.runs) || !data.runs.length) return;
    const run = data.runs.find((r) => r.state === 'running') || data.runs[data.runs.length - 1];
    state.runStartedAt = Date.now();
    state.finishedId = null;
    setRunStatus(run);
    if (FINAL_STATES.has(run.state)) finishRun(run);
    else listen(run.id);
  }

  document.addEventListener('DOMContentLoaded', init);
})();
