// The meshns console: the mesh as a grid of namespaces by clusters, and every function behind a
// button, each change previewed (dry run) before it is applied. Plain DOM and browser modules, no
// framework; no innerHTML: API data is only ever text. This module wires the page together.

import { $, el } from "./dom.js";
import { busy, forgetToken, headline, onSignInNeeded } from "./api.js";
import { loadClusters, loadMesh } from "./mesh.js";
import { askForToken, CHANGED, closeDialog, showIdentity } from "./dialogs.js";
import { namespacesView } from "./grid.js";
import { clustersView } from "./clusters.js";
import { revisionsView } from "./revisions.js";

/**
 * The page's views, top to bottom; each has a link in the masthead's nav. A view is
 * {id, title, mount(), load?(), render()}: mount() wires its controls and returns its section (a
 * section of index.html, or one it builds, which is then added to the page); load() reads what
 * only it shows, after the mesh and the clusters are read; render() draws it from what was read.
 */
const VIEWS = [namespacesView, clustersView, revisionsView];

/** Shows the page-wide errors (each with the API's message), or hides the notice when there are none. */
function notice(errors) {
  const box = $("notice");
  const unique = errors.filter((e, i) => errors.findIndex((o) => o.message === e.message) === i);
  box.replaceChildren(...unique.map((error) => el("p", {}, el("strong", {}, headline(error)), " ", error.message)));
  box.hidden = unique.length === 0;
}

/**
 * Reads everything again; one refused read (say a 403 on listClusters) does not hide the others.
 * The clusters first: without describeMesh, the grid's columns are the registered clusters. Then
 * describeMesh and every view's load at once, as each reads every cluster live: the page waits for
 * the slowest, not for their sum.
 */
async function readAll() {
  busy(1);
  const errors = [];
  try {
    try {
      await loadClusters();
    } catch (error) {
      errors.push(error);
    }
    const loads = [loadMesh, ...VIEWS.map((view) => view.load).filter(Boolean)];
    const settled = await Promise.allSettled(loads.map(async (load) => load()));
    errors.push(...settled.filter((s) => s.status === "rejected").map((s) => s.reason));
    notice(errors);
  } finally {
    VIEWS.forEach((view) => view.render());
    busy(-1);
  }
}

/** The read under way, and the one to start when it ends (shared by every refresh asked for meanwhile). */
let current = null;
let next = null;

/**
 * Reads everything again, one read at a time: a refresh asked for while one runs (a click, or a
 * change applied) waits for it and then reads afresh, so what it shows was read after it was asked
 * for, and two reads never write the page's state in turns. Any number asked for meanwhile are one
 * read. The page shows it is busy from the ask until that read is shown.
 */
function refresh() {
  if (!current) {
    current = readAll().finally(() => {
      current = null;
    });
    return current;
  }
  if (!next) {
    busy(1);
    next = current.catch(() => {}).then(() => {
      next = null;
      return refresh();
    }).finally(() => busy(-1));
  }
  return next;
}

function mount() {
  const nav = $("views");
  for (const view of VIEWS) {
    const section = view.mount();
    section.id = view.id;
    if (!section.isConnected) $("main").append(section);
    nav.append(el("a", { href: "#" + view.id }, view.title));
  }
}

onSignInNeeded((reason) => {
  showIdentity();
  return askForToken(reason);
});
mount();
$("refresh").addEventListener("click", refresh);
$("dialog-close").addEventListener("click", closeDialog);
$("forget-token").addEventListener("click", () => {
  forgetToken();
  showIdentity();
});
document.addEventListener(CHANGED, refresh);
showIdentity();
refresh();
