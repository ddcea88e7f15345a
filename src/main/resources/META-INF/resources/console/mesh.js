// What the views share: the mesh and the clusters as last read, how to read them again, and the
// words for the modes and states every view shows alike.

import { call } from "./api.js";
import { el } from "./dom.js";

/**
 * The last read, or null/empty when it failed. mesh: {live, note, loadedAt, clusters: [name],
 * injectors: {cluster: [revision]} or null, lastRepair, namespaces: [{name, injection, revision,
 * cells: {cluster: cell}}]}; clusters: listClusters' items.
 */
export const state = { mesh: null, clusters: [] };

export async function loadClusters() {
  try {
    const answer = await call("listClusters", {});
    state.clusters = answer.items || [];
  } catch (error) {
    state.clusters = [];
    throw error;
  }
}

/** Reads the grid's data; expects loadClusters to have run first (an older meshns needs the clusters' names). */
export async function loadMesh() {
  try {
    state.mesh = await readMesh();
  } catch (error) {
    state.mesh = null;
    throw error;
  }
}

async function readMesh() {
  try {
    // With pods: each cell's pods to restart, and each cluster's injectors (one pod and one webhook LIST per cluster).
    const answer = await call("describeMesh", { pods: true });
    return {
      live: true,
      loadedAt: new Date(),
      clusters: answer.clusters || [],
      injectors: answer.injectors || null,
      lastRepair: answer.lastRepair || null,
      namespaces: (answer.namespaces || []).map(namespaceRow),
    };
  } catch (error) {
    if (error.status !== 404 || error.code !== "unknown-function") throw error;
    // An older meshns without describeMesh: show each cluster's last recorded outcome, said to be that.
    const answer = await call("listNamespaces", {});
    return {
      live: false,
      note: error.message,
      clusters: state.clusters.map((c) => c.name),
      namespaces: (answer.items || []).map(namespaceRow),
    };
  }
}

function namespaceRow(ns) {
  return {
    name: ns.name, injection: ns.injection, revision: ns.revision,
    cells: Object.fromEntries((ns.clusters || []).map((c) => [c.cluster, c])),
  };
}

/** The names of the clusters a change can be limited to: the grid's columns, else the registered ones. */
export function clusterNames() {
  return state.mesh ? state.mesh.clusters : state.clusters.map((c) => c.name);
}

// ---- modes ------------------------------------------------------------------------------------

export function mode(injection, revision) {
  if (revision) return "rev " + revision;
  return injection || "unset";
}

/** A cell's or an outcome's "wanted" (enabled, disabled, ambient, unset, rev:R) in the grid's words. */
export function wantedText(wanted) {
  if (!wanted) return null;
  return wanted.startsWith("rev:") ? "rev " + wanted.slice(4) : wanted;
}

export function modeBadge(injection, revision) {
  const text = mode(injection, revision);
  return el("span", { class: "mode mode-" + (revision ? "revision" : injection || "unset") }, text);
}

// ---- clusters as the mesh read shows them -------------------------------------------------------

export function podsToRestart(c) {
  return c && c.restart && c.restart.pods > 0 ? c.restart.pods : 0;
}

/**
 * Whether meshns could read a cluster: one read serves all of a cluster's cells, so it is
 * unreachable when every cell of it is; with no cell, its injectors tell whether it answered.
 */
export function reachability(cluster) {
  const mesh = state.mesh;
  if (!mesh || !mesh.live || !mesh.clusters.includes(cluster)) return { state: "unknown" };
  const cells = mesh.namespaces.map((ns) => ns.cells[cluster]).filter(Boolean);
  if (cells.length > 0 && cells.every((c) => c.state === "unreachable")) {
    return { state: "unreachable", message: cells[0].message || "" };
  }
  if (cells.length > 0 || injectorsOf(cluster)) return { state: "reachable" };
  return { state: "unknown" };
}

/** The revisions a cluster's sidecar injectors serve, or null when its webhooks were not read. */
export function injectorsOf(cluster) {
  const mesh = state.mesh;
  const revisions = mesh && mesh.injectors ? mesh.injectors[cluster] : null;
  return Array.isArray(revisions) ? revisions : null;
}
