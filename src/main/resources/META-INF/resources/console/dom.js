// Building the page from data: elements whose content is only ever text (no innerHTML), and times.

export const $ = (id) => document.getElementById(id);

/** el("td", {class: "x", onclick: f}, "text", child…): a DOM element; strings become text nodes. */
export function el(tag, attrs, ...children) {
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
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** The nodes with a middle dot between each two. */
export function separated(nodes) {
  return nodes.flatMap((node, i) => (i === 0 ? [node] : [el("span", { class: "sep", "aria-hidden": "true" }, "·"), node]));
}

/** A message shown whole on demand: a disclosure, never a line cut short. */
export function messageDisclosure(className, label, message) {
  return el("details", { class: className },
    el("summary", {}, label),
    el("p", { class: "full-message" }, message));
}

/** "1 pod" or "3 pods". */
export function podsWords(pods) {
  return pods + " pod" + (pods === 1 ? "" : "s");
}

/** A list of workload names, each as code. */
export function workloadList(workloads) {
  return el("ul", { class: "workloads" }, (workloads || []).map((w) => el("li", {}, el("code", {}, w))));
}

// ---- times ------------------------------------------------------------------------------------

export const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
const READABLE_TIME = { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };

/** A time as a person reads it in this browser's locale ("4 Dec 17:05"), with the year only when it is not this one. */
function readableTime(date) {
  const sameYear = date.getFullYear() === new Date().getFullYear();
  return date.toLocaleString(undefined, sameYear ? READABLE_TIME : { ...READABLE_TIME, year: "numeric" });
}

/** An API time shown readably, the exact one on hover (to the second: a fraction of it tells a person nothing). */
export function timeElement(iso) {
  const date = new Date(iso);
  if (!iso || isNaN(date)) return el("span", {}, iso ? String(iso) : "–");
  return el("time", { datetime: iso, title: String(iso).replace(/\.\d+(?=Z$|[+-]\d\d:\d\d$)/, "") }, readableTime(date));
}
