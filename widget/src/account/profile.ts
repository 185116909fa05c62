// The profile: who the reader is, signing out, their comments, e-mail
// notifications, passkeys, their data and deleting the account.
import { enc } from "../api";
import { asError } from "./dialog";
import { Account, badges } from "../account";
import { button, h } from "../dom";
import { dialog, status } from "./dialog";
import { passkeys } from "./passkeys";
import type { Passkey } from "../passkey";

export function openProfile(a: Account, opener: HTMLElement) {
  const i = a.host.i, u = a.user!, st = status(), me = `/sites/${enc(a.api.site)}/me`;
  const fail = (e: unknown) => {
    const err = asError(e);
    st.classList.add("err");
    st.textContent = i.t(i.has("error." + err.key) ? "error." + err.key : "error." + err.code);
  };
  const out = async (everywhere: boolean) => {
    try {
      await a.api.call("POST", `/sites/${enc(a.api.site)}/auth/signout`, { everywhere });
    } catch (e) {
      if (!(asError(e).code == "unauthorized")) return fail(e);
    }
    gone("profile.signedOut");
  };
  const gone = (key: string) => {
    a.api.session = null;
    a.set(null);
    d.close();
    a.host.say(i.t(key));
  };
  const d = dialog(a, opener, i.t("account.profile"),
    h("p", { class: "who" }, h("b", null, u.name), " ", ...badges(i, u.role, u.badges)),
    staffNotice(a),
    h("p", { class: "row" }, button(i.t("profile.signOut"), () => out(false), "alt"), button(i.t("profile.signOutAll"), () => out(true), "alt")),
    comments(a, me),
    notifications(a, me, fail),
    !!a.info?.passkey && keys(a, st, fail),
    h("p", { class: "row" }, button(i.t("profile.download"), () => download(a, me).catch(fail), "alt")),
    removal(a, me, () => gone("profile.deleted"), fail),
    st);
}

function section(title: string, ...kids: (Node | false)[]) {
  return h("section", { class: "ps" }, h("h4", null, title), ...kids);
}

// staffNotice tells staff on a site that requires passkeys, signed in
// another way, that they act as a reader until they use their passkey:
// GET /me says so, for this session.
function staffNotice(a: Account) {
  const p = h("p", { class: "hint", hidden: true }, a.host.i.t("profile.passkeyRequired"));
  a.api.call("GET", `/me?site=${enc(a.api.site)}`).then((r) => (p.hidden = !r.passkeyRequired), () => {});
  return p;
}

// keys lists the reader's passkeys, each with its remove button, beside
// adding one; the list is read again after either.
function keys(a: Account, st: HTMLElement, fail: (e: unknown) => void) {
  const i = a.host.i, list = h("ul", { class: "mine pks" });
  const add = button(i.t("profile.addPasskey"), () => passkeys.register(a.api, a.user!.name).then(() => done("profile.passkeyAdded"), fail), "alt");
  const done = (key: string) => {
    st.classList.remove("err");
    st.textContent = i.t(key);
    load();
  };
  const item = (k: Passkey) => {
    const rm = button(i.t("profile.passkeyRemove"), () => passkeys.remove(a.api, k.id).then(() => (add.focus(), done("profile.passkeyRemoved")), fail), "alt dng");
    rm.setAttribute("aria-label", i.t("profile.passkeyRemoveOf", k.name));
    const when = i.t("profile.passkeyCreated", i.date(k.createdAt)) + (k.lastUsedAt ? ", " + i.t("profile.passkeyUsed", i.date(k.lastUsedAt)) : "");
    return h("li", null, h("b", null, k.name), " ", h("span", { class: "hint" }, when), " ", rm);
  };
  const load = () => passkeys.list(a.api).then((ks) => {
    list.replaceChildren(...(ks.length ? ks.map(item) : [h("li", null, i.t("profile.noPasskeys"))]));
  }, () => (list.hidden = true));
  load();
  return section(i.t("profile.passkeys"), list, add);
}

// comments lists the reader's comments, newest first, page by page. A
// server without the list (404) shows no section.
function comments(a: Account, me: string) {
  const i = a.host.i, list = h("ul", { class: "mine" }), more = button(i.t("profile.more"), () => load(), "lnk");
  const sec = section(i.t("profile.comments"), list, more);
  let cursor = "";
  more.hidden = true;
  const load = async () => {
    try {
      const r = await a.api.call("GET", `${me}/comments?cursor=${enc(cursor)}`);
      for (const c of r.comments) {
        const link = /^https?:/.test(c.storyUrl) ? h("a", { href: c.storyUrl + "#parley" }, c.storyTitle || c.storyUrl) : h("span", null, c.storyTitle);
        const body = h("div", { class: "bd" });
        body.innerHTML = c.html; // sanitized by the server
        list.append(h("li", null, link, " ", h("time", { datetime: c.createdAt }, i.date(c.createdAt)), body));
      }
      if (!list.firstChild) list.append(h("li", null, i.t("profile.noComments")));
      cursor = r.nextCursor || "";
      more.hidden = !cursor;
    } catch (e) {
      sec.hidden = true;
    }
  };
  load();
  return sec;
}

type Mails = { replies: boolean; decisions: boolean; email: boolean };

// notifications holds the two switches: e-mail me about replies, and
// about the moderators' decisions. Each changes only its own setting.
// Without an address on the account both are off and it says why.
function notifications(a: Account, me: string, fail: (e: unknown) => void) {
  const i = a.host.i, why = h("p", { class: "hint", id: "nw", hidden: true }, i.t("profile.noEmail"));
  const box = (name: "replies" | "decisions") => {
    const b = h("input", { type: "checkbox", name, disabled: true, "aria-describedby": "nw" });
    b.onchange = async () => {
      try {
        show({ email: true, ...(await a.api.call("PUT", `${me}/notifications`, { [name]: b.checked, lang: i.lang })) });
        a.host.say(i.t("status.saved"));
      } catch (e) {
        if (asError(e).key == "noEmail") return show({ replies: false, decisions: false, email: false });
        b.checked = !b.checked;
        fail(e);
      }
    };
    return b;
  };
  const replies = box("replies"), decisions = box("decisions");
  const sec = section(i.t("profile.notifications"), h("label", { class: "opt" }, replies, i.t("profile.replies")),
    h("label", { class: "opt" }, decisions, i.t("profile.decisions")), why);
  sec.hidden = true;
  const show = (r: Mails) => {
    replies.checked = r.replies && r.email;
    decisions.checked = r.decisions && r.email;
    replies.disabled = decisions.disabled = !r.email;
    why.hidden = r.email;
    sec.hidden = false;
  };
  a.api.call("GET", `${me}/notifications`).then(show, () => {});
  return sec;
}

// download saves the reader's data: fetched with the session, then saved
// through a link to a Blob, since a plain link would carry no credential.
async function download(a: Account, me: string) {
  const res = await a.api.send("GET", `${me}/data`);
  const url = URL.createObjectURL(await res.blob());
  const link = h("a", { href: url, download: `parley-${a.api.site}.json`, hidden: true });
  a.host.shadowRoot!.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// removal deletes the account after a second, deliberate step: the
// consequences in words, a box to tick, then the button.
function removal(a: Account, me: string, done: () => void, fail: (e: unknown) => void) {
  const i = a.host.i;
  const tick = h("input", { type: "checkbox" });
  const go = h("button", { type: "button", class: "dng", disabled: true }, i.t("profile.deleteConfirm"));
  const step = h("div", { class: "cmp", hidden: true }, h("p", { id: "dw" }, i.t("profile.deleteWarn")),
    h("label", { class: "opt" }, tick, i.t("profile.deleteUnderstood")), h("p", { class: "row" }, go));
  tick.onchange = () => (go.disabled = !tick.checked);
  go.setAttribute("aria-describedby", "dw");
  go.onclick = async () => {
    try {
      await a.api.call("DELETE", me, { confirm: "delete" });
      done();
    } catch (e) {
      fail(e);
    }
  };
  const open = button(i.t("profile.delete"), () => {
    step.hidden = !step.hidden;
    open.setAttribute("aria-expanded", "" + !step.hidden);
    if (!step.hidden) tick.focus();
  }, "alt dng");
  open.setAttribute("aria-expanded", "false");
  return h("div", null, h("p", { class: "row" }, open), step);
}
