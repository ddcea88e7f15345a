// The dialogs: the one action dialog every change opens (a form, its preview, then apply), the
// changes of a namespace and of the clusters, a namespace's history, and the token prompt.
// A change that was applied is announced with the CHANGED event, so that the page reads again.

import { $, el, fill, timeElement } from "./dom.js";
import { ApiError, call, hasToken, headline, rememberToken } from "./api.js";
import { clusterNames, modeBadge } from "./mesh.js";
import { clusterOutcomes, lastOutcomes, reconcileOutcomes, resyncOutcomes } from "./outcomes.js";

/** Fired on the document once a change has been applied: what the page shows may be out of date. */
export const CHANGED = "meshns:changed";

function changed() {
  document.dispatchEvent(new Event(CHANGED));
}

const MODES = {
  enabled: { label: "Enable sidecar injection", fn: "enableInjection" },
  revision: { label: "Enable injection of a revision", fn: "enableInjection" },
  disabled: { label: "Disable sidecar injection", fn: "disableInjection" },
  ambient: { label: "Ambient mode", fn: "enableAmbient" },
  unset: { label: "Remove the labels (the mesh-wide default applies)", fn: "removeInjection" },
};

// ---- the action dialog ------------------------------------------------------------------------

const dialog = $("dialog");

/** Opens the one action dialog with a title and content; returns the content element. */
export function openDialog(title, ...content) {
  $("dialog-title").textContent = title;
  const body = el("div", { class: "dialog-content" }, content);
  $("dialog-body").replaceChildren(body);
  if (!dialog.open) dialog.showModal();
  const first = body.querySelector("input:not([type=hidden]):not([disabled]), select, textarea, button:not([disabled])");
  if (first) first.focus();
  return body;
}

export function closeDialog() {
  if (dialog.open) dialog.close();
}

/** A region for one call's result or error in a dialog. */
export function resultArea() {
  return el("div", { class: "result", "aria-live": "polite" });
}

export function showError(area, error, extra) {
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

export function labelsFrom(text) {
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
export function previewedChange({ form, area, applyLabel, request, show }) {
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
        changed();
      } catch (error) {
        showError(area, error);
      }
    });
    invalidate();
    area.scrollIntoView({ block: "nearest" });
    closeButton.focus({ preventScroll: true });
  });
}

// ---- changing a namespace's injection ---------------------------------------------------------

export function openChange(namespace) {
  const area = resultArea();
  const revision = el("input", { type: "text", id: "change-revision", name: "revision", autocomplete: "off",
    placeholder: "e.g. 1-24-0", "aria-describedby": "change-revision-hint" });
  const modeRadios = Object.entries(MODES).map(([value, m], i) => el("div", { class: "choice" },
    el("input", { type: "radio", name: "mode", id: "change-mode-" + value, value, checked: i === 0 }),
    el("label", { for: "change-mode-" + value }, m.label),
    value === "revision" ? el("span", { class: "inline-field" },
      el("label", { for: "change-revision", class: "visually-hidden" }, "Revision"), revision,
      el("span", { id: "change-revision-hint", class: "visually-hidden" }, "the istio.io/rev label's value")) : null));
  const clusterBoxes = clusterNames().map((name) => el("label", { class: "check" },
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
      clusterOutcomes(answer.clusters, preview)),
  });
  openDialog("Change " + namespace, form, area);
}

// ---- create, delete, reconcile ------------------------------------------------------------------

export function openCreate() {
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
  });
  openDialog("Create a mesh namespace", form, area);
}

export function openDelete(namespace) {
  const area = resultArea();
  const form = el("form", { novalidate: true },
    el("p", {}, "Deletes the namespace ", el("strong", {}, namespace),
      " and everything in it from the control plane. The same-named namespaces of the data-plane clusters are not touched."));
  previewedChange({
    form, area, applyLabel: "Delete",
    request: () => ({ fn: "deleteNamespace", input: { name: namespace } }),
    show: (answer) => el("p", {}, answer.dryRun ? "Would delete " : "Deleted ", el("strong", {}, answer.name), "."),
  });
  openDialog("Delete " + namespace, form, area);
}

function reconcileResults(answer, preview) {
  const results = answer.results || [];
  return el("div", {},
    el("p", {}, (preview ? "Would look at " : "Looked at ") + answer.namespaces + " namespace" + (answer.namespaces === 1 ? "" : "s") + "."),
    results.length === 0 ? el("p", { class: "muted" }, "Nothing to repair.") : reconcileOutcomes(results, preview));
}

export function openReconcile(namespace) {
  const area = resultArea();
  const form = el("form", { novalidate: true },
    el("p", {}, namespace
      ? ["Re-applies the wanted injection labels of ", el("strong", {}, namespace), " to every registered cluster."]
      : "Re-applies the wanted injection labels of every managed namespace to every registered cluster: clusters that failed, namespaces created later, labels changed by hand."));
  previewedChange({
    form, area, applyLabel: "Reconcile",
    request: () => ({ fn: "reconcile", input: namespace ? { namespace } : {} }),
    show: reconcileResults,
  });
  openDialog(namespace ? "Reconcile " + namespace : "Reconcile the mesh", form, area);
}

// ---- a namespace's history --------------------------------------------------------------------

export async function openHistory(namespace) {
  const area = resultArea();
  openDialog("History of " + namespace, area, el("div", { class: "buttons" }, el("button", { type: "button", onclick: closeDialog }, "Close")));
  try {
    const ns = await call("getNamespace", { name: namespace });
    const history = ns.history;
    fill(area,
      el("p", {}, "Control plane: ", modeBadge(ns.injection, ns.revision)),
      lastOutcomes(ns.clusters || []),
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

// ---- clusters: register (credentials sent once) and deregister ---------------------------------

export function openRegister() {
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
          Array.isArray(answer.namespaces) ? resyncOutcomes(answer.namespaces) : null);
        name.value = "";
        server.value = "";
        labels.value = "";
        changed();
      } catch (error) {
        showError(area, error, el("p", {}, "Type the credentials again to retry."));
      }
    });
  });
  openDialog("Register a data-plane cluster", form, area);
}

export function openDeregister(cluster) {
  const area = resultArea();
  const form = el("form", { novalidate: true },
    el("p", {}, "meshns forgets ", el("strong", {}, cluster), " and its credentials. Nothing in that cluster changes: its labels stay as they are."));
  previewedChange({
    form, area, applyLabel: "Deregister",
    request: () => ({ fn: "deregisterCluster", input: { name: cluster } }),
    show: (answer) => el("p", {}, answer.dryRun ? "Would deregister " : "Deregistered ", el("strong", {}, answer.name), "."),
  });
  openDialog("Deregister " + cluster, form, area);
}

// ---- who is calling: the token prompt -----------------------------------------------------------

let tokenPrompt = null;

/** Asks once for a bearer token (however many calls got a 401); resolves true when one was given. */
export function askForToken(reason) {
  if (tokenPrompt) return tokenPrompt;
  const prompt = $("token-dialog");
  $("token-reason").textContent = reason || "meshns needs a bearer token.";
  $("token-input").value = "";
  tokenPrompt = new Promise((resolve) => {
    const finish = (given) => {
      $("token-form").removeEventListener("submit", onSubmit);
      $("token-cancel").removeEventListener("click", onCancel);
      prompt.removeEventListener("cancel", onCancel);
      $("token-input").value = "";
      if (prompt.open) prompt.close();
      tokenPrompt = null;
      showIdentity();
      resolve(given);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      const token = $("token-input").value.trim().replace(/^Bearer\s+/i, "");
      if (!token) return;
      rememberToken(token);
      finish(true);
    };
    const onCancel = (event) => {
      event.preventDefault();
      finish(false);
    };
    $("token-form").addEventListener("submit", onSubmit);
    $("token-cancel").addEventListener("click", onCancel);
    prompt.addEventListener("cancel", onCancel);
  });
  prompt.showModal();
  $("token-input").focus();
  return tokenPrompt;
}

/** The masthead says a token is in use (and offers to forget it) while this tab has one. */
export function showIdentity() {
  $("identity").hidden = !hasToken();
}
