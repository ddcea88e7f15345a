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

/** Reads everything again; one refused read (say a 403 on listClusters) does not hide the others. */
async function refresh() {
  busy(1);
  const errors = [];
  try {
    // The clusters first: without describeMesh, the grid's columns are the registered clusters.
    for (const load of [loadClusters, loadMesh, ...VIEWS.map((view) => view.load).filter(Boolean)]) {
      try {
        await load();
      } catch (error) {
        errors.push(error);
      }
    }
    notice(errors);
  } finally {
    VIEWS.forEach((view) => view.render());
    busy(-1);
  }
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
