// The API client: every call is POST /{function} with JSON, as for any other caller, with the
// bearer token of this tab when there is one; a refusal becomes an ApiError with the API's message.

import { $ } from "./dom.js";

const TOKEN_KEY = "meshns.token";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The first words shown before an error's message: what kind of refusal or failure it is. */
export function headline(error) {
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

// ---- the token: kept in this tab only (sessionStorage), never in a URL -----------------------

export function hasToken() {
  return Boolean(sessionStorage.getItem(TOKEN_KEY));
}

export function rememberToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Asked for a token when a call answers 401: resolves true when one was given, and the call is sent again. */
let signIn = async () => false;

/** Sets what asks for a token (the page's prompt); the client itself knows no dialog. */
export function onSignInNeeded(ask) {
  signIn = ask;
}

// ---- calls ------------------------------------------------------------------------------------

let running = 0;

/** Counts the calls (or groups of calls) under way: the page shows it is working while any is. */
export function busy(delta) {
  running += delta;
  $("progress").hidden = running === 0;
  $("main").setAttribute("aria-busy", running > 0 ? "true" : "false");
}

/** POST /{fn} with input as JSON; resolves with the answer, rejects with an ApiError carrying the API's message. */
export async function call(fn, input) {
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
        // Calls run side by side: when another's prompt gave a new token while this one was on its
        // way, this refusal is of the old token, so the call is sent again with the new one.
        const now = sessionStorage.getItem(TOKEN_KEY);
        if (now && now !== token) continue;
        if (token) forgetToken();
        const given = await signIn(body && body.message);
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
