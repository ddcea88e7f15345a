// The namespaces view: the grid of mesh namespaces (rows) by data-plane clusters (columns), its
// filters, and the summary above it. The legend below it is static (index.html).

import { $, el, fill, messageDisclosure, podsWords, separated, timeElement, workloadList } from "./dom.js";
import { state, mode, modeBadge, podsToRestart, reachability, injectorsOf, wantedText } from "./mesh.js";
import { openChange, openCreate, openDelete, openHistory, openReconcile } from "./dialogs.js";

const STATE_LABELS = { "in-sync": "in sync", drifted: "drifted", absent: "absent", unreachable: "unreachable", unmanaged: "unmanaged" };
/** Why a cell is unmanaged: reconcile leaves such a namespace alone, so there is nothing to repair. */
const UNMANAGED_HINT = "meshns does not manage this namespace: it has no injection label in the control plane and was never changed through meshns, so reconcile leaves it alone";
/** The summary's counts, problems first: each is also a filter of the grid by that state. */
const SUMMARY_COUNTS = [
  { state: "drifted", problem: true, words: (n) => n + " drifted" },
  { state: "unreachable", problem: true, words: (n) => n + " unreachable" },
  { state: "restart", problem: true, words: (n) => podsWords(n) + " to restart" },
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

export const namespacesView = {
  id: "view-namespaces",
  title: "Namespaces",
  mount() {
    $("filters").addEventListener("submit", (event) => event.preventDefault());
    $("filter-name").addEventListener("input", renderGrid);
    $("filter-state").addEventListener("change", renderGrid);
    $("create-namespace").addEventListener("click", openCreate);
    $("reconcile-all").addEventListener("click", () => openReconcile(null));
    return $("view-namespaces");
  },
  render: renderGrid,
};

function rowStates(ns) {
  return state.mesh.clusters.map((cluster) => (ns.cells[cluster] || {}).state).filter(Boolean);
}

function matchesFilters(ns) {
  const mesh = state.mesh;
  const name = $("filter-name").value.trim().toLowerCase();
  if (name && !ns.name.toLowerCase().includes(name)) return false;
  const wanted = $("filter-state").value;
  if (!wanted || !mesh.live) return true;
  if (wanted === "restart") return mesh.clusters.some((cluster) => podsToRestart(ns.cells[cluster]) > 0);
  const states = rowStates(ns);
  // A namespace meshns does not manage is neither in sync nor a problem: only "any" and "unmanaged" show it.
  if (wanted === "in-sync") return states.every((s) => s === "in-sync" || s === "absent");
  return states.includes(wanted);
}

function renderGrid() {
  const mesh = state.mesh;
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

function cell(ns, cluster, c) {
  if (!c) return el("td", { class: "cell", "data-cluster": cluster, "data-state": "none" }, el("span", { class: "muted" }, "–"));
  if (!state.mesh.live) {
    return el("td", { class: "cell", "data-cluster": cluster, "data-outcome": c.outcome, title: c.message || null },
      el("span", { class: "badge outcome-" + c.outcome }, "last: " + c.outcome),
      c.message ? messageDisclosure("cell-message", c.outcome === "failed" ? "why" : "note", c.message) : null);
  }
  const cellState = c.state || "unknown";
  const parts = [el("span", { class: "badge state-" + cellState }, STATE_LABELS[cellState] || cellState)];
  if (cellState !== "absent" && cellState !== "unreachable") parts.push(el("span", { class: "cell-mode" }, mode(c.injection, c.revision)));
  if (cellState === "drifted" && c.wanted) parts.push(el("span", { class: "cell-wanted" }, "wants " + wantedText(c.wanted)));
  else if (c.wanted && cellState === "in-sync" && wantedText(c.wanted) !== mode(ns.injection, ns.revision)) {
    parts.push(el("span", { class: "cell-own" }, "own setting"));
  }
  if (podsToRestart(c) > 0) parts.push(restartDisclosure(c.restart));
  if (c.message) parts.push(messageDisclosure("cell-message", cellState === "unreachable" ? "why" : "note", c.message));
  const title = c.message || (cellState === "unmanaged" ? UNMANAGED_HINT : null);
  return el("td", { class: "cell", "data-cluster": cluster, "data-state": cellState, title }, parts);
}

/** "↻ 3" on a cell: its pods to restart, the workloads named in its tooltip and listed when opened. */
function restartDisclosure(restart) {
  const pods = restart.pods;
  const workloads = restart.workloads || [];
  const words = podsWords(pods) + " to restart";
  return el("details", { class: "cell-restart" },
    el("summary", { title: words + ": " + workloads.join(", "), "aria-label": words }, "↻ " + pods),
    workloadList(workloads));
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

// ---- the summary ------------------------------------------------------------------------------

/** Counts the cells of the whole mesh by state, whatever the filters show, and the pods to restart. */
function countCells() {
  const mesh = state.mesh;
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
function filterByCount(countedState) {
  const filter = $("filter-state");
  filter.value = filter.value === countedState ? "" : countedState;
  renderGrid();
}

/** Above the grid: is anything wrong, in counts that filter the grid, and when reconcile last repaired something. */
function renderSummary() {
  const mesh = state.mesh;
  const box = $("summary");
  if (!mesh || !mesh.live) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  const counts = countCells();
  const filter = $("filter-state").value;
  const countButton = ({ state: counted, words }) => el("button", { type: "button", class: "count count-" + counted, "data-state": counted,
    "aria-pressed": filter === counted ? "true" : "false", title: COUNT_HINTS[counted] + " (click to show only those rows)",
    onclick: () => filterByCount(counted) }, words(counts[counted]));
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
