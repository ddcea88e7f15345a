// The revisions view: each Istio revision of the fleet (describeRevisions), where it is installed,
// its tags, the namespaces and pods using it per cluster, and whether it is safe to uninstall; and
// the two steps of an upgrade behind buttons, each previewed: migrating namespaces from one
// revision to another (mesh-wide or a ring of clusters), and restarting a namespace's workloads.

import { el, fill, podsWords, timeElement } from "./dom.js";
import { ApiError, call } from "./api.js";
import { state } from "./mesh.js";
import { openDialog, previewedChange, resultArea } from "./dialogs.js";
import { migrationOutcomes, restartOutcomes } from "./outcomes.js";

/** The last read: {revisions, unreachable, loadedAt} or null; note: why there is none (an older meshns). */
const read = { report: null, note: null };

export const revisionsView = {
  id: "view-revisions",
  title: "Revisions",
  mount,
  load: loadRevisions,
  render: renderRevisions,
};

let section;

function mount() {
  section = el("section", { "aria-labelledby": "revisions-heading" },
    el("div", { class: "section-head" },
      el("h2", { id: "revisions-heading" }, "Istio revisions"),
      el("div", { class: "actions" },
        el("button", { type: "button", id: "migrate-revision", onclick: () => openMigrate(null) }, "Migrate…"))),
    el("p", { id: "revisions-source", class: "hint", "aria-live": "polite" }),
    el("div", { id: "revisions-unreachable", class: "warning", role: "status", hidden: true }),
    el("div", { id: "revisions" }),
    el("p", { id: "revisions-empty", class: "hint", hidden: true }, "No Istio revision is installed or named in any cluster read."));
  return section;
}

async function loadRevisions() {
  try {
    read.report = await call("describeRevisions", {});
    read.report.loadedAt = new Date();
    read.note = null;
  } catch (error) {
    read.report = null;
    // An older meshns without describeRevisions: this view says so, the others are unaffected.
    if (error.status === 404 && error.code === "unknown-function") {
      read.note = error.message;
      return;
    }
    read.note = null;
    throw error;
  }
}

/** The revisions last read, by name. */
function revisionNames() {
  return read.report ? (read.report.revisions || []).map((r) => r.revision) : [];
}

function renderRevisions() {
  const $ = (id) => section.querySelector("#" + id);
  const report = read.report;
  const unreachable = report ? report.unreachable || [] : [];
  fill($("revisions-source"), report
    ? ["Live, read from every cluster at ", timeElement(report.loadedAt.toISOString()), "."]
    : read.note ? "This meshns cannot describe revisions. " + read.note : "");
  const warning = $("revisions-unreachable");
  fill(warning, unreachable.length === 0 ? null : [
    el("strong", {}, unreachable.length === 1 ? "1 cluster could not be read" : unreachable.length + " clusters could not be read"),
    ": what runs there is not counted below, so check it before uninstalling a revision.",
    el("ul", {}, unreachable.map((u) => el("li", { "data-cluster": u.cluster }, el("strong", {}, u.cluster), ": ", u.message || "")))]);
  warning.hidden = unreachable.length === 0;
  const revisions = report ? report.revisions || [] : [];
  fill($("revisions"), revisions.map((r) => revisionCard(r, unreachable.length > 0)));
  $("revisions-empty").hidden = !report || revisions.length > 0;
  $("migrate-revision").disabled = revisions.length === 0;
}

function revisionCard(revision, someUnreachable) {
  const name = revision.revision;
  const use = revision.inUse
    ? el("span", { class: "badge in-use" }, "in use")
    : [el("span", { class: "badge not-in-use" }, "not in use"), " ",
      el("span", { class: "safe" }, someUnreachable ? "safe to uninstall from the clusters read; check the unreachable ones first"
        : "safe to uninstall: no namespace and no pod uses it")];
  return el("article", { class: "revision", "data-revision": name, "data-in-use": String(Boolean(revision.inUse)) },
    el("div", { class: "section-head" },
      el("h3", {}, el("code", {}, name), " ", use),
      el("div", { class: "actions" },
        el("button", { type: "button", "aria-label": "Migrate from " + name, onclick: () => openMigrate(name) }, "Migrate from here…"))),
    el("div", { class: "table-wrap" },
      el("table", { class: "list revision-clusters" },
        el("caption", { class: "visually-hidden" }, "Revision " + name + " in each cluster"),
        el("thead", {}, el("tr", {}, ["Cluster", "Installed", "Tags", "Namespaces", "Pods"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, (revision.clusters || []).map((c) => clusterRow(name, c))))));
}

function clusterRow(revision, c) {
  const namespaces = c.namespaces || [];
  const tags = c.tags || [];
  return el("tr", { "data-cluster": c.cluster },
    el("th", { scope: "row" }, c.cluster),
    el("td", { class: "installed" }, c.installed
      ? el("span", { class: "badge state-in-sync" }, "installed")
      : el("span", { class: "badge state-absent" }, "not installed")),
    el("td", { class: "tags" }, tags.length ? el("ul", { class: "labels" }, tags.map((t) => el("li", {}, el("code", {}, t))))
      : el("span", { class: "muted" }, "none")),
    el("td", { class: "namespaces" }, namespaces.length === 0 ? el("span", { class: "muted" }, "none")
      : el("ul", { class: "labels" }, namespaces.map((ns) => el("li", { "data-namespace": ns },
        el("span", { class: "namespace-name" }, ns), " ",
        el("button", { type: "button", class: "small", "aria-label": "Restart workloads of " + ns + " in " + c.cluster,
          onclick: () => openRestart(ns, c.cluster) }, "Restart…"))))),
    el("td", { class: "pods" }, podsWords(c.pods || 0)));
}

// ---- where a change goes: every cluster, the chosen ones, or those a label selector matches ----

/**
 * Radios "every cluster" / "only these" (a checkbox per registered cluster) / "clusters labelled"
 * (a label selector such as ring=canary); where() is {} for every cluster, else {clusters} or
 * {clusterSelector}, as the API takes them.
 */
function clusterScope(prefix, everyWords, someWords, preselected) {
  const boxes = state.clusters.map((c) => el("label", { class: "check" },
    el("input", { type: "checkbox", name: "cluster", value: c.name, disabled: !preselected,
      checked: c.name === preselected }), c.name));
  const every = el("input", { type: "radio", name: "scope", id: prefix + "-scope-all", value: "all", checked: !preselected });
  const some = el("input", { type: "radio", name: "scope", id: prefix + "-scope-some", value: "some", checked: Boolean(preselected) });
  const labelled = el("input", { type: "radio", name: "scope", id: prefix + "-scope-selector", value: "selector" });
  const selector = el("input", { type: "text", id: prefix + "-selector", name: "clusterSelector", autocomplete: "off",
    spellcheck: "false", disabled: true, placeholder: "e.g. ring=canary" });
  const sync = () => {
    boxes.forEach((l) => { l.querySelector("input").disabled = !some.checked; });
    selector.disabled = !labelled.checked;
  };
  [every, some, labelled].forEach((radio) => radio.addEventListener("change", sync));
  const fieldset = el("fieldset", {}, el("legend", {}, "Where"),
    el("div", { class: "choice" }, every, el("label", { for: every.id }, everyWords)),
    el("div", { class: "choice" }, some, el("label", { for: some.id }, someWords)),
    el("div", { class: "cluster-choices" }, boxes),
    el("div", { class: "choice" }, labelled, el("label", { for: labelled.id }, "The clusters whose labels match:"),
      el("span", { class: "inline-field" },
        el("label", { for: selector.id, class: "visually-hidden" }, "Cluster label selector"), selector)));
  const where = () => {
    if (labelled.checked) {
      const clusterSelector = selector.value.trim();
      if (!clusterSelector) throw new ApiError(400, "no-selector", "type a label selector of clusters, e.g. ring=canary");
      return { clusterSelector };
    }
    if (!some.checked) return {};
    const names = boxes.map((l) => l.querySelector("input")).filter((b) => b.checked).map((b) => b.value);
    if (names.length === 0) throw new ApiError(400, "no-cluster", "choose at least one cluster, or every cluster");
    return { clusters: names };
  };
  return { fieldset, where };
}

// ---- migrate namespaces from one revision to another -------------------------------------------

function openMigrate(from) {
  const area = resultArea();
  const names = revisionNames();
  const fromSelect = el("select", { id: "migrate-from", name: "from", required: true },
    names.map((r) => el("option", { value: r, selected: r === from }, r)));
  const to = el("input", { type: "text", id: "migrate-to", name: "to", autocomplete: "off", required: true,
    list: "migrate-to-choices", placeholder: "e.g. 1-25-0" });
  const scope = clusterScope("migrate", "Every cluster: the mesh-wide wanted state, and each cluster's own setting",
    "Only these clusters (a ring): each gets its own setting", null);
  const form = el("form", { class: "stacked", novalidate: true },
    el("label", { for: "migrate-from" }, "From revision"), fromSelect,
    el("label", { for: "migrate-to" }, "To revision (or tag)"), to,
    el("datalist", { id: "migrate-to-choices" }, names.map((r) => el("option", { value: r }))),
    el("p", { class: "hint" }, "Moves every namespace meshns manages whose wanted injection is exactly the first revision to the second, with the labels of enableInjection. “default” stands for istio-injection=enabled."),
    scope.fieldset);
  previewedChange({
    form, area, applyLabel: "Migrate",
    request: () => {
      const input = { from: fromSelect.value, to: to.value.trim() };
      if (!input.from) throw new ApiError(400, "missing-from", "choose the revision to move away from");
      if (!input.to) throw new ApiError(400, "missing-to", "type the revision to move to, e.g. 1-25-0");
      return { fn: "migrateRevision", input: { ...input, ...scope.where() } };
    },
    show: (answer, preview) => {
      const results = answer.results || [];
      return el("div", {},
        el("p", {}, preview ? "Would move from " : "Moved from ", el("code", {}, answer.from), " to ", el("code", {}, answer.to), "."),
        results.length === 0
          ? el("p", { class: "muted" }, "No managed namespace wants " + answer.from + " there: nothing to move.")
          : migrationOutcomes(results, preview),
        preview ? null : el("p", { class: "hint" }, "Labels only affect pods created later: restart each namespace's workloads (Restart… beside it) so its pods get the new proxy."));
    },
  });
  openDialog("Migrate a revision", form, area);
}

// ---- restart a namespace's workloads -------------------------------------------------------------

function openRestart(namespace, cluster) {
  const area = resultArea();
  const scope = clusterScope("restart", "Every cluster that has " + namespace, "Only these clusters:", cluster);
  const form = el("form", { novalidate: true },
    el("p", {}, "Restarts the workloads of ", el("strong", {}, namespace),
      " whose pods do not run the proxy its injection wants, the way kubectl rollout restart does; bare pods and Jobs' pods are skipped, never deleted."),
    scope.fieldset);
  previewedChange({
    form, area, applyLabel: "Restart",
    request: () => {
      return { fn: "restartWorkloads", input: { namespace, ...scope.where() } };
    },
    show: (answer, preview) => restartOutcomes(answer.clusters, preview),
  });
  openDialog("Restart workloads of " + namespace, form, area);
}
