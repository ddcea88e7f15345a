// The clusters view: the registered data-plane clusters, whether meshns could read each, and the
// injector revisions each serves.

import { $, el, ISO_TIME, messageDisclosure, timeElement } from "./dom.js";
import { state, reachability, injectorsOf } from "./mesh.js";
import { openDeregister, openRegister } from "./dialogs.js";

export const clustersView = {
  id: "view-clusters",
  title: "Clusters",
  mount() {
    $("register-cluster").addEventListener("click", openRegister);
    return $("view-clusters");
  },
  render: renderClusters,
};

function renderClusters() {
  const body = $("clusters").tBodies[0];
  body.replaceChildren(...state.clusters.map((c) => el("tr", { "data-cluster": c.name },
    el("th", { scope: "row" }, c.name),
    el("td", { class: "server" }, c.server || ""),
    el("td", {}, labelList(c.labels)),
    reachabilityCell(c.name),
    injectorsCell(c.name),
    el("td", {}, details(c)),
    el("td", { class: "row-actions" },
      el("button", { type: "button", class: "danger", "aria-label": "Deregister " + c.name, onclick: () => openDeregister(c.name) }, "Deregister…")))));
  $("clusters-empty").hidden = state.clusters.length > 0;
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
