// The meshns console: the mesh as a grid of namespaces by clusters, and every function behind a
// button, each change previewed (dry run) before it is applied. Plain DOM, no framework; every call
// is POST /{function} with JSON, as for any other caller. No innerHTML: API data is only ever text.
"use strict";

(() => {
  const TOKEN_KEY = "meshns.token";
  const STATE_LABELS = { "in-sync": "in sync", drifted: "drifted", absent: "absent", unreachable: "unreachable", unmanaged: "unmanaged" };
  /** Why a cell is unmanaged: reconcile leaves such a namespace alone, so there is nothing to repair. */
  const UNMANAGED_HINT = "meshns does not manage this namespace: it has no injection label in the control plane and was never changed through meshns, so reconcile leaves it alone";
  /** The summary's counts, problems first: each is also a filter of the grid by that state. */
  const SUMMARY_COUNTS = [
    { state: "drifted", problem: true, words: (n) => n + " drifted" },
    { state: "unreachable", problem: true, words: (n) => n + " unreachable" },
    { state: "restart", problem: true, words: (n) => n + " pod" + (n === 1 ? "" : "s") + " to restart" },
    { state: "absent", problem: false, words: (n) => n + " absent" },
    { state: "unmanaged", problem: false, words: (n) => n + " unmanaged" },
  ];
  const COUNT_HINTS = {
    drifted: "cells (a namespace in a cluster) whose labels reconcile would change",
    unreachable: "cells of clusters meshns could not read",
    restart: "pods whose proxy does not match their namespace's mode",
    absent: "cells of clusters without a namespace of that name (meshns never creates one)",
    unmanaged: "cells of namespaces meshns does not manage (reconcile leaves them alone)",
  };
  const MODES = {
    enabled: { label: "Enable sidecar injection", fn: "enableInjection" },
    revision: { label: "Enable injection of a revision", fn: "enableInjection" },
    disabled: { label: "Disable sidecar injection", fn: "disableInjection" },
    ambient: { label: "Ambient mode", fn: "enableAmbient" },
    unset: { label: "Remove the labels (the mesh-wide default applies)", fn: "removeInjection" },
  };

  const $ = (id) => document.getElementById(id);

  /** el("td", {class: "x", onclick: f}, "text", child…): a DOM element; strings become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Replaces node's children with the given ones, leaving out null, undefined and false (replaceChildren would print them). */
  function fill(node, ...children) {
    node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  }

  // ---- times ----------------------------------------------------------------------------------

  const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
  const READABLE_TIME = { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };

  /** A time as a person reads it in this browser's locale ("4 Dec 17:05"), with the year only when it is not this one. */
  function readableTime(date) {
    const sameYear = date.getFullYear() === new Date().getFullYear();
    return date.toLocaleString(undefined, sameYear ? READABLE_TIME : { ...READABLE_TIME, year: "numeric" });
  }

  /** An API time shown readably, the exact one on hover (to the second: a fraction of it tells a person nothing). */
  function timeElement(iso) {
    const date = new Date(iso);
    if (!iso || isNaN(date)) return el("span", {}, iso ? String(iso) : "–");
    return el("time", { datetime: iso, title: String(iso).replace(/\.\d+(?=Z$|[+-]\d\d:\d\d$)/, "") }, readableTime(date));
  }

  // ---- calling the API -------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  let running = 0;
  function busy(delta) {
    running += delta;
    $("progress").hidden = running === 0;
    $("main").setAttribute("aria-busy", running > 0 ? "true" : "false");
  }

  /** POST /{fn} with input as JSON; resolves with the answer, rejects with an ApiError carrying the API's message. */
  async function call(fn, input) {
    busy(1);
    try {
      for (;;) {
        const headers = { "Content-Type": "application/json", Accept: "application/json" };
        const token = sessionStorage.getItem(TOKEN_KEY);
        if (token) headers.Authorization = "Bearer " + token;
        let response;
        try {
          response = await fetch(fn, { method: "POST", headers, body: JSON.stringify(input), cache: "no-store",
            credentials: "same-origin", redirect: "error" });
        } catch (e) {
          throw new ApiError(0, "unreachable", "meshns did not answer (" + e.message + ")");
        }
        let body = null;
        try {
          body = await response.json();
        } catch (e) {
          body = null;
        }
        if (response.status === 401) {
          if (token) sessionStorage.removeItem(TOKEN_KEY);
          showIdentity();
          const given = await askForToken(body && body.message);
          if (given) continue;
        }
        if (!response.ok) {
          throw new ApiError(response.status, (body && body.error) || "http-" + response.status,
            (body && body.message) || "meshns answered " + response.status + " " + response.statusText);
        }
        return body;
      }
    } finally {
      busy(-1);
    }
  }

  // ---- who is calling: the token prompt --------------------------------------------------------

  let tokenPrompt = null;

  /** Asks once for a bearer token (however many calls got a 401); resolves true when one was given. */
  function askForToken(reason) {
    if (tokenPrompt) return tokenPrompt;
    const dialog = $("token-dialog");
    $("token-reason").textContent = reason || "meshns needs a bearer token.";
    $("token-input").value = "";
    tokenPrompt = new Promise((resolve) => {
      const finish = (given) => {
        $("token-form").removeEventListener("submit", onSubmit);
        $("token-cancel").removeEventListener("click", onCancel);
        dialog.removeEventListener("cancel", onCancel);
        $("token-input").value = "";
        if (dialog.open) dialog.close();
        tokenPrompt = null;
        showIdentity();
        resolve(given);
      };
      const onSubmit = (event) => {
        event.preventDefault();
        const token = $("token-input").value.trim().replace(/^Bearer\s+/i, "");
        if (!token) return;
        sessionStorage.setItem(TOKEN_KEY, token);
        finish(true);
      };
      const onCancel = (event) => {
        event.preventDefault();
        finish(false);
      };
      $("token-form").addEventListener("submit", onSubmit);
      $("token-cancel").addEventListener("click", onCancel);
      dialog.addEventListener("cancel", onCancel);
    });
    dialog.showModal();
    $("token-input").focus();
    return tokenPrompt;
  }

  function showIdentity() {
    $("identity").hidden = !sessionStorage.getItem(TOKEN_KEY);
  }

  // ---- the page-wide notice --------------------------------------------------------------------

  /** Shows the page-wide errors (each with the API's message), or hides the notice when there are none. */
  function notice(errors) {
    const box = $("notice");
    const unique = errors.filter((e, i) => errors.findIndex((o) => o.message === e.message) === i);
    box.replaceChildren(...unique.map((error) => el("p", {}, el("strong", {}, headline(error)), " ", error.message)));
    box.hidden = unique.length === 0;
  }

  function headline(error) {
    switch (error.status) {
      case 401: return "Not signed in.";
      case 403: return "Not allowed.";
      case 404: return "Not found.";
      case 409: return "Refused.";
      case 503: return "Control plane unreachable.";
      case 0: return "No answer.";
      default: return error.status >= 500 ? "meshns failed." : "Refused.";
    }
  }

  // ---- the grid --------------------------------------------------------------------------------

  /**
   * What the grid shows: {live, note, loadedAt, clusters: [name], injectors: {cluster: [revision]} or null,
   * lastRepair, namespaces: [{name, injection, revision, cells: {cluster: cell}}]}
   */
  let mesh = null;
  let clusters = [];

  function mode(injection, revision) {
    if (revision) return "rev " + revision;
    return injection || "unset";
  }

  function wantedText(wanted) {
    if (!wanted) return null;
    return wanted.startsWith("rev:") ? "rev " + wanted.slice(4) : wanted;
  }

  async function loadMesh() {
    try {
      // With pods: each cell's pods to restart, and each cluster's injectors (one pod and one webhook LIST per cluster).
      const answer = await call("describeMesh", { pods: true });
      mesh = {
        live: true,
        loadedAt: new Date(),
        clusters: answer.clusters || [],
        injectors: answer.injectors || null,
        lastRepair: answer.lastRepair || null,
        namespaces: (answer.namespaces || []).map((ns) => ({
          name: ns.name, injection: ns.injection, revision: ns.revision,
          cells: Object.fromEntries((ns.clusters || []).map((c) => [c.cluster, c])),
        })),
      };
    } catch (error) {
      if (error.status !== 404 || error.code !== "unknown-function") throw error;
      // An older meshns without describeMesh: show each cluster's last recorded outcome, said to be that.
      const answer = await call("listNamespaces", {});
      mesh = {
        live: false,
        note: error.message,
        clusters: clusters.map((c) => c.name),
        namespaces: (answer.items || []).map((ns) => ({
          name: ns.name, injection: ns.injection, revision: ns.revision,
          cells: Object.fromEntries((ns.clusters || []).map((c) => [c.cluster, c])),
        })),
      };
    }
  }

  async function loadClusters() {
    const answer = await call("listClusters", {});
    clusters = answer.items || [];
  }

  /** Reads the clusters and the grid again; one refused read (say a 403 on listClusters) does not hide the other. */
  async function refresh() {
    busy(1);
    const errors = [];
    try {
      try {
        await loadClusters();
      } catch (error) {
        clusters = [];
        errors.push(error);
      }
      try {
        await loadMesh();
      } catch (error) {
        mesh = null;
        errors.push(error);
      }
      notice(errors);
    } finally {
      renderClusters();
      renderGrid();
      busy(-1);
    }
  }

  function rowStates(ns) {
    return mesh.clusters.map((cluster) => (ns.cells[cluster] || {}).state).filter(Boolean);
  }

  function matchesFilters(ns) {
    const name = $("filter-name").value.trim().toLowerCase();
    if (name && !ns.name.toLowerCase().includes(name)) return false;
    const state = $("filter-state").value;
    if (!state || !mesh.live) return true;
    if (state === "restart") return mesh.clusters.some((cluster) => podsToRestart(ns.cells[cluster]) > 0);
    const states = rowStates(ns);
    // A namespace meshns does not manage is neither in sync nor a problem: only "any" and "unmanaged" show it.
    if (state === "in-sync") return states.every((s) => s === "in-sync" || s === "absent");
    return states.includes(state);
  }

  function renderGrid() {
    const grid = $("grid");
    const head = grid.tHead;
    const body = grid.tBodies[0];
    renderSummary();
    if (!mesh) {
      head.replaceChildren();
      body.replaceChildren();
      $("grid-source").textContent = "";
      return;
    }
    fill($("grid-source"), mesh.live
      ? ["Live state, read from every cluster at ", timeElement(mesh.loadedAt.toISOString()), "."]
      : "Not live: each cell is the last outcome meshns recorded for that cluster. " + mesh.note);
    $("filter-state").disabled = !mesh.live;
    head.replaceChildren(el("tr", {},
      el("th", { scope: "col" }, "Namespace"),
      el("th", { scope: "col" }, "Control plane"),
      mesh.clusters.map(clusterHeader),
      el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, "Actions"))));
    const shown = mesh.namespaces.filter(matchesFilters).sort((a, b) => a.name.localeCompare(b.name));
    const rows = shown.map((ns) => el("tr", { "data-namespace": ns.name },
      el("th", { scope: "row" }, ns.name),
      el("td", { class: "control-plane" }, modeBadge(ns.injection, ns.revision)),
      mesh.clusters.map((cluster) => cell(ns, cluster, ns.cells[cluster])),
      el("td", { class: "row-actions" },
        el("button", { type: "button", "aria-label": "Change injection of " + ns.name, onclick: () => openChange(ns.name) }, "Change…"),
        el("button", { type: "button", "aria-label": "History of " + ns.name, onclick: () => openHistory(ns.name) }, "History"),
        el("button", { type: "button", "aria-label": "Reconcile " + ns.name, onclick: () => openReconcile(ns.name) }, "Reconcile…"),
        el("button", { type: "button", class: "danger", "aria-label": "Delete " + ns.name, onclick: () => openDelete(ns.name) }, "Delete…"))));
    body.replaceChildren(...rows);
    const empty = $("grid-empty");
    empty.hidden = rows.length > 0;
    empty.textContent = mesh.namespaces.length === 0 ? "The control plane has no mesh namespace yet."
      : "No namespace matches the filters.";
  }

  function modeBadge(injection, revision) {
    const text = mode(injection, revision);
    return el("span", { class: "mode mode-" + (revision ? "revision" : injection || "unset") }, text);
  }

  function cell(ns, cluster, c) {
    if (!c) return el("td", { class: "cell", "data-cluster": cluster, "data-state": "none" }, el("span", { class: "muted" }, "–"));
    if (!mesh.live) {
      return el("td", { class: "cell", "data-cluster": cluster, "data-outcome": c.outcome, title: c.message || null },
        el("span", { class: "badge outcome-" + c.outcome }, "last: " + c.outcome),
        c.message ? messageDisclosure("cell-message", c.outcome === "failed" ? "why" : "note", c.message) : null);
    }
    const state = c.state || "unknown";
    const parts = [el("span", { class: "badge state-" + state }, STATE_LABELS[state] || state)];
    if (state !== "absent" && state !== "unreachable") parts.push(el("span", { class: "cell-mode" }, mode(c.injection, c.revision)));
    if (state === "drifted" && c.wanted) parts.push(el("span", { class: "cell-wanted" }, "wants " + wantedText(c.wanted)));
    else if (c.wanted && state === "in-sync" && wantedText(c.wanted) !== mode(ns.injection, ns.revision)) {
      parts.push(el("span", { class: "cell-own" }, "own setting"));
    }
    if (podsToRestart(c) > 0) parts.push(restartDisclosure(c.restart));
    if (c.message) parts.push(messageDisclosure("cell-message", state === "unreachable" ? "why" : "note", c.message));
    const title = c.message || (state === "unmanaged" ? UNMANAGED_HINT : null);
    return el("td", { class: "cell", "data-cluster": cluster, "data-state": state, title }, parts);
  }

  /** A message shown whole on demand: a disclosure, never a line cut short. */
  function messageDisclosure(className, label, message) {
    return el("details", { class: className },
      el("summary", {}, label),
      el("p", { class: "full-message" }, message));
  }

  function podsToRestart(c) {
    return c && c.restart && c.restart.pods > 0 ? c.restart.pods : 0;
  }

  /** "↻ 3" on a cell: its pods to restart, the workloads named in its tooltip and listed when opened. */
  function restartDisclosure(restart) {
    const pods = restart.pods;
    const workloads = restart.workloads || [];
    const words = pods + " pod" + (pods === 1 ? "" : "s") + " to restart";
    return el("details", { class: "cell-restart" },
      el("summary", { title: words + ": " + workloads.join(", "), "aria-label": words }, "↻ " + pods),
      el("ul", { class: "workloads" }, workloads.map((w) => el("li", {}, el("code", {}, w)))));
  }

  /**
   * Whether meshns could read a cluster: one read serves all of a cluster's cells, so it is
   * unreachable when every cell of it is; with no cell, its injectors tell whether it answered.
   */
  function reachability(cluster) {
    if (!mesh || !mesh.live || !mesh.clusters.includes(cluster)) return { state: "unknown" };
    const cells = mesh.namespaces.map((ns) => ns.cells[cluster]).filter(Boolean);
    if (cells.length > 0 && cells.every((c) => c.state === "unreachable")) {
      return { state: "unreachable", message: cells[0].message || "" };
    }
    if (cells.length > 0 || injectorsOf(cluster)) return { state: "reachable" };
    return { state: "unknown" };
  }

  /** The revisions a cluster's sidecar injectors serve, or null when its webhooks were not read. */
  function injectorsOf(cluster) {
    const revisions = mesh && mesh.injectors ? mesh.injectors[cluster] : null;
    return Array.isArray(revisions) ? revisions : null;
  }

  function clusterHeader(cluster) {
    const reach = reachability(cluster);
    const revisions = injectorsOf(cluster);
    return el("th", { scope: "col", "data-cluster": cluster },
      el("span", { class: "cluster-name" }, cluster),
      reach.state === "unreachable" ? el("span", { class: "badge state-unreachable", title: reach.message }, "unreachable") : null,
      revisions && revisions.length > 0
        ? el("span", { class: "cluster-injectors", title: "Sidecar injector revisions installed in " + cluster }, "injectors: " + revisions.join(", "))
        : null);
  }

  /** Counts the cells of the whole mesh by state, whatever the filters show, and the pods to restart. */
  function countCells() {
    const counts = { "in-sync": 0, drifted: 0, unreachable: 0, absent: 0, unmanaged: 0, restart: 0 };
    for (const ns of mesh.namespaces) {
      for (const cluster of mesh.clusters) {
        const c = ns.cells[cluster];
        if (!c) continue;
        if (c.state in counts) counts[c.state] += 1;
        counts.restart += podsToRestart(c);
      }
    }
    return counts;
  }

  /** Shows the grid filtered by a summary's state, or by none when it already is. */
  function filterByCount(state) {
    const filter = $("filter-state");
    filter.value = filter.value === state ? "" : state;
    renderGrid();
  }

  /** Above the grid: is anything wrong, in counts that filter the grid, and when reconcile last repaired something. */
  function renderSummary() {
    const box = $("summary");
    if (!mesh || !mesh.live) {
      box.replaceChildren();
      box.hidden = true;
      return;
    }
    const counts = countCells();
    const filter = $("filter-state").value;
    const countButton = ({ state, words }) => el("button", { type: "button", class: "count count-" + state, "data-state": state,
      "aria-pressed": filter === state ? "true" : "false", title: COUNT_HINTS[state] + " (click to show only those rows)",
      onclick: () => filterByCount(state) }, words(counts[state]));
    const problems = SUMMARY_COUNTS.filter((k) => k.problem && counts[k.state] > 0).map(countButton);
    const neutral = SUMMARY_COUNTS.filter((k) => !k.problem && counts[k.state] > 0).map(countButton);
    const headline = problems.length > 0
      ? el("strong", { class: "summary-headline needs-look" }, "Needs a look:")
      : el("strong", { class: "summary-headline all-clear" }, "✓ All clear: nothing drifted, unreachable or waiting for a restart.");
    fill(box,
      el("p", { class: "summary-counts" }, headline, separated([...problems, ...neutral])),
      el("p", { class: "last-repair" }, mesh.lastRepair
        ? ["Last repair by reconcile: ", timeElement(mesh.lastRepair), "."]
        : "No repair by reconcile is recorded in the namespaces' histories.",
      " ", el("span", { class: "muted" }, "(A reconcile that finds nothing to repair records nothing.)")));
    box.hidden = false;
  }

  /** The nodes with a middle dot between each two. */
  function separated(nodes) {
    return nodes.flatMap((node, i) => (i === 0 ? [node] : [el("span", { class: "sep", "aria-hidden": "true" }, "·"), node]));
  }

  function renderClusters() {
    const body = $("clusters").tBodies[0];
    body.replaceChildren(...clusters.map((c) => el("tr", { "data-cluster": c.name },
      el("th", { scope: "row" }, c.name),
      el("td", { class: "server" }, c.server || ""),
      el("td", {}, labelList(c.labels)),
      reachabilityCell(c.name),
      injectorsCell(c.name),
      el("td", {}, details(c)),
      el("td", { class: "row-actions" },
        el("button", { type: "button", class: "danger", "aria-label": "Deregister " + c.name, onclick: () => openDeregister(c.name) }, "Deregister…")))));
    $("clusters-empty").hidden = clusters.length > 0;
  }

  function reachabilityCell(cluster) {
    const reach = reachability(cluster);
    if (reach.state === "reachable") return el("td", { class: "reachability" }, el("span", { class: "badge state-in-sync" }, "reachable"));
    if (reach.state === "unreachable") {
      return el("td", { class: "reachability" }, el("span", { class: "badge state-unreachable" }, "unreachable"),
        reach.message ? messageDisclosure("cluster-message", "why", reach.message) : null);
    }
    return el("td", { class: "reachability" }, el("span", { class: "muted", title: "not read yet: it has none of the mesh's namespaces to read" }, "–"));
  }

  function injectorsCell(cluster) {
    const revisions = injectorsOf(cluster);
    const content = revisions === null ? el("span", { class: "muted", title: "its webhooks could not be read" }, "unknown")
      : revisions.length === 0 ? el("span", { class: "warn-text" }, "none: no sidecar can be injected there")
        : el("ul", { class: "labels" }, revisions.map((r) => el("li", {}, el("code", {}, r))));
    return el("td", { class: "injectors" }, content);
  }

  function labelList(labels) {
    const entries = Object.entries(labels || {});
    if (entries.length === 0) return el("span", { class: "muted" }, "none");
    return el("ul", { class: "labels" }, entries.map(([k, v]) => el("li", {}, k + "=" + v)));
  }

  /** Whatever status fields the API returns for a cluster, besides name, server and labels. */
  function details(cluster) {
    const entries = Object.entries(cluster).filter(([k, v]) => !["name", "server", "labels"].includes(k)
      && v !== null && typeof v !== "object");
    if (entries.length === 0) return el("span", { class: "muted" }, "–");
    return el("ul", { class: "labels" }, entries.map(([k, v]) => el("li", {}, k + ": ", ISO_TIME.test(v) ? timeElement(v) : String(v))));
  }

  // ---- dialogs ---------------------------------------------------------------------------------

  const dialog = $("dialog");

  /** Opens the one action dialog with a title and content; returns the content element. */
  function openDialog(title, ...content) {
    $("dialog-title").textContent = title;
    const body = el("div", { class: "dialog-content" }, content);
    $("dialog-body").replaceChildren(body);
    if (!dialog.open) dialog.showModal();
    const first = body.querySelector("input:not([type=hidden]):not([disabled]), select, textarea, button:not([disabled])");
    if (first) first.focus();
    return body;
  }

  function closeDialog() {
    if (dialog.open) dialog.close();
  }

  /** A region for one call's result or error in a dialog. */
  function resultArea() {
    return el("div", { class: "result", "aria-live": "polite" });
  }

  function showError(area, error, extra) {
    fill(area, el("div", { class: "error", role: "alert" },
      el("strong", {}, headline(error)), " ", el("span", { class: "error-message" }, error.message), extra || null));
  }

  /** Runs fn with the dialog's buttons disabled, so a change is never sent twice. */
  async function withButtonsDisabled(container, fn) {
    const buttons = [...container.querySelectorAll("button")].filter((b) => !b.disabled);
    buttons.forEach((b) => { b.disabled = true; });
    try {
      return await fn();
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  /** The table of per-cluster outcomes of a preview or of the real call, with the pods to restart. */
  function outcomeTable(outcomes, preview) {
    if (!outcomes || outcomes.length === 0) return el("p", { class: "muted" }, "No data-plane cluster is involved.");
    return el("table", { class: "outcomes" },
      el("caption", {}, preview ? "What would happen in each cluster" : "What happened in each cluster"),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col" }, "Cluster"), el("th", { scope: "col" }, preview ? "Would be" : "Outcome"),
        el("th", { scope: "col" }, "Pods to restart"), el("th", { scope: "col" }, "Message"))),
      el("tbody", {}, outcomes.map((o) => el("tr", { "data-cluster": o.cluster, "data-outcome": o.outcome },
        el("th", { scope: "row" }, o.cluster),
        el("td", {}, el("span", { class: "badge outcome-" + o.outcome }, outcomeText(o.outcome, preview))),
        el("td", {}, restartText(o.restart)),
        el("td", { class: "message" }, o.message || "")))));
  }

  function outcomeText(outcome, preview) {
    if (!preview) return outcome;
    return { applied: "changed", unchanged: "unchanged", absent: "absent", failed: "not asked" }[outcome] || outcome;
  }

  function restartText(restart) {
    if (!restart) return el("span", { class: "muted" }, "–");
    if (!restart.pods) return "none";
    return el("div", {}, restart.pods + " pod" + (restart.pods === 1 ? "" : "s") + ": ",
      el("ul", { class: "workloads" }, (restart.workloads || []).map((w) => el("li", {}, el("code", {}, w)))));
  }

  function labelsFrom(text) {
    const labels = {};
    for (const line of text.split(/[\n,]/)) {
      const trimmed = line.trim();
      if (!trimmed) continue;
      const eq = trimmed.indexOf("=");
      if (eq < 1) throw new ApiError(400, "invalid-label", "write each label as key=value: " + trimmed);
      labels[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
    }
    return labels;
  }

  /**
   * A previewed change: preview() is the dry run, apply() the real call. Apply sends exactly the
   * request whose preview is shown, or nothing: any edit of the form takes the Apply button away
   * again, and the answer to a preview that an edit or a newer preview has superseded neither shows
   * itself as the preview nor brings Apply back.
   */
  function previewedChange({ form, area, applyLabel, request, show, done }) {
    let previewed = null;
    let force = false;
    // Counts edits and previews asked for: an answer is about the form as it is only if neither happened since.
    let generation = 0;
    let lastAsked = 0;
    const previewButton = el("button", { type: "submit", class: "primary" }, "Preview");
    const applyButton = el("button", { type: "button", class: "apply", disabled: true }, applyLabel);
    const closeButton = el("button", { type: "button", onclick: closeDialog }, "Close");
    const buttons = el("div", { class: "buttons" }, previewButton, applyButton, closeButton);
    form.append(buttons);

    const supersede = () => {
      generation += 1;
      previewed = null;
      applyButton.disabled = true;
      return generation;
    };
    const invalidate = () => {
      supersede();
      force = false;
    };
    form.addEventListener("input", invalidate);
    form.addEventListener("change", invalidate);

    const preview = async () => {
      const mine = supersede();
      lastAsked = mine;
      // True when this preview's answer is no longer about the form; the newest preview asked for owns the result area.
      const stale = () => {
        if (mine === generation) return false;
        if (mine === lastAsked) {
          fill(area, el("p", { class: "warning" }, "The form changed while the preview was on its way: nothing to apply. Preview again."));
        }
        return true;
      };
      let req;
      try {
        req = request();
      } catch (error) {
        showError(area, error);
        return;
      }
      if (force) req.input.force = true;
      await withButtonsDisabled(buttons, async () => {
        try {
          const answer = await call(req.fn, { ...req.input, dryRun: true });
          if (stale()) return;
          previewed = req;
          fill(area, el("h3", {}, "Preview: nothing has changed yet"),
            force ? el("p", { class: "warning" }, "The injector check is skipped: new pods may start without a proxy where no injector serves this revision.") : null,
            show(answer, true));
        } catch (error) {
          if (stale()) return;
          previewed = null;
          if (error.status === 409 && error.code === "injector-missing") {
            showError(area, error, el("p", {},
              el("button", { type: "button", class: "force", onclick: () => { force = true; preview(); } },
                "Preview anyway, without the injector check")));
          } else if (error.status === 400 && /dryRun/.test(error.message)) {
            // A meshns without dry runs: say so, and let the person decide without a preview.
            previewed = req;
            showError(area, error, el("p", {}, "This meshns cannot preview; " + applyLabel + " applies at once."));
          } else {
            showError(area, error);
          }
        }
      });
      applyButton.disabled = !previewed;
      if (mine !== generation) return;
      area.scrollIntoView({ block: "nearest" });
      if (previewed) applyButton.focus({ preventScroll: true });
    };

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      preview();
    });
    applyButton.addEventListener("click", async () => {
      if (!previewed) return;
      const req = previewed;
      await withButtonsDisabled(buttons, async () => {
        try {
          const answer = await call(req.fn, req.input);
          fill(area, el("h3", {}, "Done"), show(answer, false));
          if (done) done(answer);
        } catch (error) {
          showError(area, error);
        }
      });
      invalidate();
      area.scrollIntoView({ block: "nearest" });
      closeButton.focus({ preventScroll: true });
    });
  }

  // ---- changing a namespace's injection -------------------------------------------------------

  function openChange(namespace) {
    const area = resultArea();
    const revision = el("input", { type: "text", id: "change-revision", name: "revision", autocomplete: "off",
      placeholder: "e.g. 1-24-0", "aria-describedby": "change-revision-hint" });
    const modeRadios = Object.entries(MODES).map(([value, m], i) => el("div", { class: "choice" },
      el("input", { type: "radio", name: "mode", id: "change-mode-" + value, value, checked: i === 0 }),
      el("label", { for: "change-mode-" + value }, m.label),
      value === "revision" ? el("span", { class: "inline-field" },
        el("label", { for: "change-revision", class: "visually-hidden" }, "Revision"), revision,
        el("span", { id: "change-revision-hint", class: "visually-hidden" }, "the istio.io/rev label's value")) : null));
    const clusterBoxes = (mesh ? mesh.clusters : clusters.map((c) => c.name)).map((name) => el("label", { class: "check" },
      el("input", { type: "checkbox", name: "cluster", value: name, disabled: true }), name));
    const everywhere = el("input", { type: "radio", name: "scope", id: "change-scope-all", value: "all", checked: true });
    const some = el("input", { type: "radio", name: "scope", id: "change-scope-some", value: "some" });
    const form = el("form", { class: "change-form", novalidate: true },
      el("fieldset", {}, el("legend", {}, "Injection of " + namespace), modeRadios),
      el("fieldset", {}, el("legend", {}, "Where"),
        el("div", { class: "choice" }, everywhere,
          el("label", { for: "change-scope-all" }, "Every cluster: the mesh-wide setting (clears per-cluster settings)")),
        el("div", { class: "choice" }, some, el("label", { for: "change-scope-some" }, "Only these clusters:")),
        el("div", { class: "cluster-choices" }, clusterBoxes)));
    const syncBoxes = () => clusterBoxes.forEach((l) => { l.querySelector("input").disabled = !some.checked; });
    everywhere.addEventListener("change", syncBoxes);
    some.addEventListener("change", syncBoxes);
    revision.addEventListener("focus", () => {
      const radio = form.querySelector("#change-mode-revision");
      if (radio.checked) return;
      radio.checked = true;
      // Setting checked fires no event: without one, a preview of another mode would keep Apply.
      radio.dispatchEvent(new Event("change", { bubbles: true }));
    });

    previewedChange({
      form, area, applyLabel: "Apply",
      request: () => {
        const chosen = form.querySelector("input[name=mode]:checked").value;
        const input = { namespace };
        if (chosen === "revision") {
          const r = revision.value.trim();
          if (!r) throw new ApiError(400, "missing-revision", "type the revision to enable, e.g. 1-24-0");
          input.revision = r;
        }
        if (some.checked) {
          const names = clusterBoxes.map((l) => l.querySelector("input")).filter((b) => b.checked).map((b) => b.value);
          if (names.length === 0) throw new ApiError(400, "no-cluster", "choose at least one cluster, or every cluster");
          input.clusters = names;
        }
        return { fn: MODES[chosen].fn, input };
      },
      show: (answer, preview) => el("div", {},
        el("p", {}, "Control plane: ", modeBadge(answer.injection, answer.revision),
          answer.dryRun ? " (as it would be)" : ""),
        outcomeTable(answer.clusters, preview)),
      done: () => refresh(),
    });
    openDialog("Change " + namespace, form, area);
  }

  // ---- create, delete, reconcile --------------------------------------------------------------

  function openCreate() {
    const area = resultArea();
    const form = el("form", { class: "stacked", novalidate: true },
      el("label", { for: "create-name" }, "Name"),
      el("input", { type: "text", id: "create-name", autocomplete: "off", required: true, placeholder: "e.g. orders" }),
      el("label", { for: "create-labels" }, "Labels (optional, key=value, one per line)"),
      el("textarea", { id: "create-labels", rows: "3", spellcheck: "false" }),
      el("p", { class: "hint" }, "Creates the namespace in the control plane only; no data-plane cluster is touched."));
    previewedChange({
      form, area, applyLabel: "Create",
      request: () => ({ fn: "createNamespace",
        input: { name: form.querySelector("#create-name").value.trim(), labels: labelsFrom(form.querySelector("#create-labels").value) } }),
      show: (answer) => el("p", {}, answer.dryRun ? "Would create " : "Created ", el("strong", {}, answer.name), "."),
      done: () => refresh(),
    });
    openDialog("Create a mesh namespace", form, area);
  }

  function openDelete(namespace) {
    const area = resultArea();
    const form = el("form", { novalidate: true },
      el("p", {}, "Deletes the namespace ", el("strong", {}, namespace),
        " and everything in it from the control plane. The same-named namespaces of the data-plane clusters are not touched."));
    previewedChange({
      form, area, applyLabel: "Delete",
      request: () => ({ fn: "deleteNamespace", input: { name: namespace } }),
      show: (answer) => el("p", {}, answer.dryRun ? "Would delete " : "Deleted ", el("strong", {}, answer.name), "."),
      done: () => refresh(),
    });
    openDialog("Delete " + namespace, form, area);
  }

  function reconcileResults(answer, preview) {
    const results = answer.results || [];
    return el("div", {},
      el("p", {}, (preview ? "Would look at " : "Looked at ") + answer.namespaces + " namespace" + (answer.namespaces === 1 ? "" : "s") + "."),
      results.length === 0 ? el("p", { class: "muted" }, "Nothing to repair.")
        : el("table", { class: "outcomes reconcile" },
          el("caption", {}, preview ? "What a repair would do" : "What the repair did"),
          el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Namespace"), el("th", { scope: "col" }, "Cluster"),
            el("th", { scope: "col" }, preview ? "Would be" : "Outcome"), el("th", { scope: "col" }, "Message"))),
          el("tbody", {}, results.flatMap((r) => (r.clusters || []).map((o) => el("tr", { "data-namespace": r.namespace, "data-cluster": o.cluster },
            el("th", { scope: "row" }, r.namespace), el("td", {}, o.cluster),
            el("td", {}, el("span", { class: "badge outcome-" + o.outcome }, outcomeText(o.outcome, preview))),
            el("td", { class: "message" }, o.message || "")))))));
  }

  function openReconcile(namespace) {
    const area = resultArea();
    const form = el("form", { novalidate: true },
      el("p", {}, namespace
        ? ["Re-applies the wanted injection labels of ", el("strong", {}, namespace), " to every registered cluster."]
        : "Re-applies the wanted injection labels of every managed namespace to every registered cluster: clusters that failed, namespaces created later, labels changed by hand."));
    previewedChange({
      form, area, applyLabel: "Reconcile",
      request: () => ({ fn: "reconcile", input: namespace ? { namespace } : {} }),
      show: reconcileResults,
      done: () => refresh(),
    });
    openDialog(namespace ? "Reconcile " + namespace : "Reconcile the mesh", form, area);
  }

  // ---- a namespace's history ------------------------------------------------------------------

  async function openHistory(namespace) {
    const area = resultArea();
    openDialog("History of " + namespace, area, el("div", { class: "buttons" }, el("button", { type: "button", onclick: closeDialog }, "Close")));
    try {
      const ns = await call("getNamespace", { name: namespace });
      const history = ns.history;
      fill(area, 
        el("p", {}, "Control plane: ", modeBadge(ns.injection, ns.revision)),
        el("table", { class: "outcomes" }, el("caption", {}, "Each cluster: what it should have and its last recorded outcome"),
          el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Cluster"), el("th", { scope: "col" }, "Wanted"),
            el("th", { scope: "col" }, "Last outcome"), el("th", { scope: "col" }, "Message"))),
          el("tbody", {}, (ns.clusters || []).map((o) => el("tr", {}, el("th", { scope: "row" }, o.cluster),
            el("td", {}, wantedText(o.wanted) || "–"),
            el("td", {}, el("span", { class: "badge outcome-" + o.outcome }, o.outcome || "–")),
            el("td", { class: "message" }, o.message || ""))))),
        el("h3", {}, "Changes, newest first"),
        !Array.isArray(history) ? el("p", { class: "muted" }, "This meshns does not report history.")
          : history.length === 0 ? el("p", { class: "muted" }, "No change recorded yet.")
            : el("table", { class: "history" }, el("caption", { class: "visually-hidden" }, "Changes to " + namespace),
              el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "When"), el("th", { scope: "col" }, "By"),
                el("th", { scope: "col" }, "Change"), el("th", { scope: "col" }, "Clusters"))),
              el("tbody", {}, history.map((h) => el("tr", {},
                el("td", {}, timeElement(h.time)), el("td", {}, h.by || ""),
                el("td", {}, h.change || ""),
                el("td", {}, Object.entries(h.clusters || {}).map(([c, o]) => el("span", { class: "badge outcome-" + o }, c + ": " + o))))))));
    } catch (error) {
      showError(area, error);
    }
  }

  // ---- clusters: register (credentials sent once) and deregister -------------------------------

  function openRegister() {
    const area = resultArea();
    const field = (id, label, input, hint) => [el("label", { for: id }, label), input, hint ? el("p", { class: "hint" }, hint) : null];
    const name = el("input", { type: "text", id: "register-name", autocomplete: "off", required: true, placeholder: "e.g. north" });
    const server = el("input", { type: "url", id: "register-server", autocomplete: "off", required: true, placeholder: "https://north.example:6443" });
    const token = el("input", { type: "password", id: "register-token", autocomplete: "off", spellcheck: "false" });
    const caCert = el("textarea", { id: "register-ca", rows: "3", spellcheck: "false", autocomplete: "off", placeholder: "-----BEGIN CERTIFICATE-----" });
    const kubeconfig = el("textarea", { id: "register-kubeconfig", rows: "3", spellcheck: "false", autocomplete: "off" });
    const labels = el("textarea", { id: "register-labels", rows: "2", spellcheck: "false" });
    const submit = el("button", { type: "submit", class: "primary" }, "Register");
    const form = el("form", { class: "stacked", novalidate: true, autocomplete: "off" },
      field("register-name", "Name", name),
      field("register-server", "API server URL", server),
      field("register-token", "Token of a service account that may get, list and patch namespaces there", token),
      field("register-ca", "CA certificate (PEM, if the cluster's CA is private)", caCert),
      field("register-kubeconfig", "Or a whole kubeconfig with inline credentials", kubeconfig),
      field("register-labels", "Labels (optional, key=value, one per line)", labels),
      el("p", { class: "hint" }, "The credentials are sent once, kept in a Secret of the control plane, and never shown again; this form forgets them as soon as they are sent."),
      el("div", { class: "buttons" }, submit, el("button", { type: "button", onclick: closeDialog }, "Close")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const input = { name: name.value.trim(), server: server.value.trim() };
      try {
        input.labels = labelsFrom(labels.value);
      } catch (error) {
        showError(area, error);
        return;
      }
      if (token.value) input.token = token.value;
      if (caCert.value.trim()) input.caCert = caCert.value;
      if (kubeconfig.value.trim()) input.kubeconfig = kubeconfig.value;
      // Forget the credentials now, whatever the answer: they exist only in the request being sent.
      token.value = "";
      caCert.value = "";
      kubeconfig.value = "";
      await withButtonsDisabled(form, async () => {
        try {
          const answer = await call("registerCluster", input);
          fill(area, el("h3", {}, "Registered " + answer.name),
            el("p", {}, "Server ", el("code", {}, answer.server || ""), ". Bringing it up to date: ", answer.resync || "–", "."),
            Array.isArray(answer.namespaces) ? outcomeTableForResync(answer.namespaces) : null);
          name.value = "";
          server.value = "";
          labels.value = "";
          refresh();
        } catch (error) {
          showError(area, error, el("p", {}, "Type the credentials again to retry."));
        }
      });
    });
    openDialog("Register a data-plane cluster", form, area);
  }

  /** registerCluster's namespaces: what bringing the new cluster up to date did, per namespace. */
  function outcomeTableForResync(resync) {
    if (resync.length === 0) return el("p", { class: "muted" }, "No managed namespace to bring there.");
    return el("table", { class: "outcomes" }, el("caption", {}, "Labels brought to the new cluster"),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Namespace"), el("th", { scope: "col" }, "Outcome"), el("th", { scope: "col" }, "Message"))),
      el("tbody", {}, resync.map((r) => el("tr", {}, el("th", { scope: "row" }, r.namespace || ""),
        el("td", {}, el("span", { class: "badge outcome-" + r.outcome }, r.outcome || "")), el("td", { class: "message" }, r.message || "")))));
  }

  function openDeregister(cluster) {
    const area = resultArea();
    const form = el("form", { novalidate: true },
      el("p", {}, "meshns forgets ", el("strong", {}, cluster), " and its credentials. Nothing in that cluster changes: its labels stay as they are."));
    previewedChange({
      form, area, applyLabel: "Deregister",
      request: () => ({ fn: "deregisterCluster", input: { name: cluster } }),
      show: (answer) => el("p", {}, answer.dryRun ? "Would deregister " : "Deregistered ", el("strong", {}, answer.name), "."),
      done: () => refresh(),
    });
    openDialog("Deregister " + cluster, form, area);
  }

  // ---- wiring ----------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", () => {
    $("filters").addEventListener("submit", (event) => event.preventDefault());
    $("filter-name").addEventListener("input", renderGrid);
    $("filter-state").addEventListener("change", renderGrid);
    $("refresh").addEventListener("click", refresh);
    $("create-namespace").addEventListener("click", openCreate);
    $("reconcile-all").addEventListener("click", () => openReconcile(null));
    $("register-cluster").addEventListener("click", openRegister);
    $("dialog-close").addEventListener("click", closeDialog);
    $("forget-token").addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      showIdentity();
    });
    showIdentity();
    refresh();
  });
})();
