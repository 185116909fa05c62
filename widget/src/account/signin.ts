// The sign-in panel: an e-mail link, the site's OIDC provider, a passkey;
// each only when the site offers it (GET /auth).
import { enc } from "../api";
import { asError } from "./dialog";
import type { Account, SignedIn } from "../account";
import { button, h } from "../dom";
import { dialog, status } from "./dialog";
import { passkeys } from "./passkeys";

export function openSignIn(a: Account, opener: HTMLElement) {
  const i = a.host.i, m = a.info!, st = status();
  const done = async (answer: Promise<SignedIn> | SignedIn) => {
    await a.signIn(answer);
    d.close();
    a.host.say(i.t("signin.done"));
  };
  const fail = (e: unknown) => {
    const err = asError(e);
    st.classList.add("err");
    // The refusal's own message when this bundle knows its key; else
    // what its code says: a wait in minutes, a bad address, or failure.
    if (err.key && i.has("error." + err.key)) st.textContent = i.t("error." + err.key);
    else if (err.code == "too_many_requests") st.textContent = i.n("signin.wait", Math.max(1, Math.ceil(err.retryAfter / 60)));
    else if (err.code == "invalid") st.textContent = i.t("error.badEmail");
    else st.textContent = i.t("signin.failed");
  };
  const d = dialog(a, opener, i.t("signin.title"),
    m.email && emailForm(a, st, fail),
    !!m.oidc && button(i.t("signin.oidc", m.oidc.name), () => oidc(a, done, fail), "alt"),
    m.passkey && !!passkeys.signIn && button(i.t("signin.passkey"), () => passkeys.signIn!(a.api).then(done, fail), "alt"),
    st);
}

function emailForm(a: Account, st: HTMLElement, fail: (e: unknown) => void) {
  const i = a.host.i;
  const email = h("input", { type: "email", name: "email", required: true, maxlength: 254, autocomplete: "email" });
  const f = h("form", { class: "cmp", "aria-label": i.t("signin.sendLink") },
    h("label", null, i.t("signin.email"), email),
    h("p", { class: "row" }, h("button", { type: "submit", class: "pri" }, i.t("signin.sendLink"))));
  f.onsubmit = async (e) => {
    e.preventDefault();
    st.classList.remove("err");
    st.textContent = "";
    if (!email.checkValidity()) return (st.textContent = i.t("error.badEmail")), st.classList.add("err"), email.focus();
    try {
      await a.api.call("POST", `/sites/${enc(a.api.site)}/auth/email`, { email: email.value.trim(), lang: i.lang, return: location.href });
      st.textContent = i.t("signin.sent");
    } catch (e) {
      fail(e);
    }
  };
  return f;
}

// oidc signs in in a popup on Parley's origin, which answers with one
// postMessage; only that popup, from that origin, is listened to.
function oidc(a: Account, done: (r: SignedIn) => Promise<void>, fail: (e: unknown) => void) {
  const api = a.api, origin = new URL(api.base).origin;
  const url = `${api.base}/auth/oidc/start?site=${enc(api.site)}&origin=${enc(location.origin)}&lang=${enc(a.host.i.lang)}`;
  const popup = window.open(url, "parley-oidc", "popup,width=500,height=650");
  if (!popup) return fail(null);
  const on = (e: MessageEvent) => {
    if (e.origin != origin || e.source != popup || e.data?.type != "parley:signin") return;
    removeEventListener("message", on);
    const r = e.data;
    r.session ? done(r).catch(fail) : fail({ code: "unauthorized", key: r.error });
  };
  addEventListener("message", on);
}
