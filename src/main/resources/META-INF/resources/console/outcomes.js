// The tables of outcomes: what a change did (or would do) where, one row per outcome, each with its
// badge and the API's message. One renderer draws them all; the functions below it only say which
// columns each answer has.

import { el, podsWords, workloadList } from "./dom.js";
import { wantedText } from "./mesh.js";

/**
 * A table of outcomes. rows: the outcomes; columns: [{heading, cell: (row) => content}], the
 * first of which names the row; every table ends with the row's message. rowAttributes: the data-*
 * attributes a row carries, so that a test or a style can find it.
 */
export function outcomeTable({ caption, rows, columns, rowAttributes = () => ({}), className = "outcomes" }) {
  const [first, ...rest] = columns;
  return el("table", { class: className },
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col" }, c.heading)), el("th", { scope: "col" }, "Message"))),
    el("tbody", {}, rows.map((row) => el("tr", rowAttributes(row),
      el("th", { scope: "row" }, first.cell(row)),
      rest.map((c) => el("td", {}, c.cell(row))),
      el("td", { class: "message" }, row.message || "")))));
}

/** The badge of an outcome (applied, unchanged, absent, failed), in the words given. */
function outcomeBadge(outcome, words) {
  return el("span", { class: "badge outcome-" + outcome }, words);
}

/** An outcome in a preview's words: nothing has happened yet, so "changed" is what applying would do. */
function outcomeText(outcome, preview) {
  if (!preview) return outcome;
  return { applied: "changed", unchanged: "unchanged", absent: "absent", failed: "not asked" }[outcome] || outcome;
}

function outcomeColumn(preview) {
  return { heading: preview ? "Would be" : "Outcome", cell: (o) => outcomeBadge(o.outcome, outcomeText(o.outcome, preview)) };
}

function restartText(restart) {
  if (!restart) return el("span", { class: "muted" }, "–");
  if (!restart.pods) return "none";
  return el("div", {}, podsWords(restart.pods) + ": ", workloadList(restart.workloads));
}

/** A change of a namespace's injection: each cluster's outcome of a preview or of the real call, with the pods to restart. */
export function clusterOutcomes(outcomes, preview) {
  if (!outcomes || outcomes.length === 0) return el("p", { class: "muted" }, "No data-plane cluster is involved.");
  return outcomeTable({
    caption: preview ? "What would happen in each cluster" : "What happened in each cluster",
    rows: outcomes,
    rowAttributes: (o) => ({ "data-cluster": o.cluster, "data-outcome": o.outcome }),
    columns: [
      { heading: "Cluster", cell: (o) => o.cluster },
      outcomeColumn(preview),
      { heading: "Pods to restart", cell: (o) => restartText(o.restart) },
    ],
  });
}

/** reconcile's results: each namespace's outcome in each cluster, of a preview or of the repair. */
export function reconcileOutcomes(results, preview) {
  return outcomeTable({
    caption: preview ? "What a repair would do" : "What the repair did",
    className: "outcomes reconcile",
    rows: results.flatMap((r) => (r.clusters || []).map((o) => ({ ...o, namespace: r.namespace }))),
    rowAttributes: (o) => ({ "data-namespace": o.namespace, "data-cluster": o.cluster }),
    columns: [
      { heading: "Namespace", cell: (o) => o.namespace },
      { heading: "Cluster", cell: (o) => o.cluster },
      outcomeColumn(preview),
    ],
  });
}

/** registerCluster's namespaces: what bringing the new cluster up to date did, per namespace. */
export function resyncOutcomes(resync) {
  if (resync.length === 0) return el("p", { class: "muted" }, "No managed namespace to bring there.");
  return outcomeTable({
    caption: "Labels brought to the new cluster",
    rows: resync,
    columns: [
      { heading: "Namespace", cell: (r) => r.namespace || "" },
      { heading: "Outcome", cell: (r) => outcomeBadge(r.outcome, r.outcome || "") },
    ],
  });
}

/** getNamespace's clusters: what each should have and the last outcome recorded there. */
export function lastOutcomes(outcomes) {
  return outcomeTable({
    caption: "Each cluster: what it should have and its last recorded outcome",
    rows: outcomes,
    columns: [
      { heading: "Cluster", cell: (o) => o.cluster },
      { heading: "Wanted", cell: (o) => wantedText(o.wanted) || "–" },
      { heading: "Last outcome", cell: (o) => outcomeBadge(o.outcome, o.outcome || "–") },
    ],
  });
}

/** migrateRevision's results: each namespace's outcome in each cluster it moves in, with the pods still on the old proxy. */
export function migrationOutcomes(results, preview) {
  return outcomeTable({
    caption: preview ? "What the migration would do" : "What the migration did",
    className: "outcomes migration",
    rows: results.flatMap((r) => (r.clusters || []).map((o) => ({ ...o, namespace: r.namespace }))),
    rowAttributes: (o) => ({ "data-namespace": o.namespace, "data-cluster": o.cluster, "data-outcome": o.outcome }),
    columns: [
      { heading: "Namespace", cell: (o) => o.namespace },
      { heading: "Cluster", cell: (o) => o.cluster },
      outcomeColumn(preview),
      { heading: "Pods to restart", cell: (o) => restartText(o.restart) },
    ],
  });
}

/** restartWorkloads' clusters: what was (or would be) restarted in each, and what was skipped and why. */
export function restartOutcomes(clusters, preview) {
  if (!clusters || clusters.length === 0) return el("p", { class: "muted" }, "No data-plane cluster is involved.");
  return outcomeTable({
    caption: preview ? "What would be restarted in each cluster" : "What was restarted in each cluster",
    className: "outcomes restarts",
    rows: clusters,
    rowAttributes: (o) => ({ "data-cluster": o.cluster, "data-outcome": o.outcome }),
    columns: [
      { heading: "Cluster", cell: (o) => o.cluster },
      outcomeColumn(preview),
      { heading: preview ? "Would restart" : "Restarted",
        cell: (o) => ((o.restarted || []).length ? workloadList(o.restarted) : el("span", { class: "muted" }, "none")) },
      { heading: "Skipped", cell: (o) => ((o.skipped || []).length
        ? el("ul", { class: "workloads skipped" }, o.skipped.map((s) => el("li", {}, el("code", {}, s.workload || ""), ": ", s.reason || "")))
        : el("span", { class: "muted" }, "none")) },
    ],
  });
}
