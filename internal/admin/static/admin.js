// Parley's moderator UI: the pages work as plain forms; this module makes
// them a keyboard-driven desk (see the help dialog, "?"), sends the forms
// with fetch, and keeps the queue live over server-sent events. It also
// finishes the sign-ins that only a script can (a link's code in the
// fragment, passkeys, OIDC). No dependencies, no build step.
import { signIn } from "./signin.js";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

for (const el of $$(".js-only")) el.hidden = false;
signIn();

const site = document.body.dataset.site;
if (site) desk();

// desk runs the pages of one site.
function desk() {
  const help = $("#help");
  const toast = $("#toast");
  const list = $("[data-list]");
  const live = $("[data-live]"); // only the queue is live
  let current = null; // the selected item
  let last = null; // the last action, for undo: {entry} or {unban}
  let picking = null; // the item whose reject reason is being picked

  const say = (text) => {
    toast.textContent = text;
    toast.classList.add("shown");
    clearTimeout(say.t);
    say.t = setTimeout(() => toast.classList.remove("shown"), 4000);
  };

  const items = () => (list ? $$(".item", list) : []);
  const select = (el, focus = true) => {
    if (current) current.classList.remove("current"), current.removeAttribute("aria-current");
    current = el;
    if (!el) return;
    el.classList.add("current");
    el.setAttribute("aria-current", "true");
    if (focus) el.focus({ preventScroll: true }), el.scrollIntoView({ block: "nearest" });
  };
  const move = (by) => {
    const all = items();
    if (!all.length) return;
    const i = all.indexOf(current);
    select(all[Math.max(0, Math.min(all.length - 1, i < 0 ? 0 : i + by))]);
  };
  const empty = () => {
    const e = $("[data-empty]");
    if (e) e.hidden = items().length > 0;
  };
  // drop takes an item off the list and selects the next one.
  const drop = (el) => {
    if (!el) return;
    const all = items();
    const next = all[all.indexOf(el) + 1] || all[all.indexOf(el) - 1] || null;
    const wasCurrent = el === current;
    el.remove();
    if (wasCurrent) select(next);
    empty();
  };

  // send posts a form with fetch; the server answers JSON when asked. The
  // URL is read as an attribute: form.action would be the form's field
  // named "action".
  const send = async (form, extra = {}, submitter = null) => {
    const body = new FormData(form, submitter);
    for (const [k, v] of Object.entries(extra)) body.set(k, v);
    const res = await fetch(form.getAttribute("action"), { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.error?.message || res.statusText);
    return data;
  };

  const act = async (form, extra, submitter) => {
    const item = form.closest(".item");
    // the bulk form's comments are the checked items'
    const picked = form.id === "bulk" ? $$(".pick:checked").map((c) => c.closest(".item")) : [item];
    try {
      const data = await send(form, extra, submitter);
      if (data.undo) last = { entries: data.undo };
      if (data.unban) last = { unban: data.unban };
      if (data.message) say(data.message);
      if (!live) location.reload(); // a user's history: show the new status
      else if (data.leaves) picked.forEach(drop);
      else refresh();
    } catch (e) {
      say(e.message);
    }
  };

  // Every desk form goes through act, so that the page stays where it is.
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (!form.matches("[data-action]")) return;
    e.preventDefault();
    act(form, {}, e.submitter);
  });

  const formOf = (item, action) => item && $(`form[data-action="${action}"]`, item);

  // undo takes back the last action of this page: a decision through
  // /undo, a ban by reinstating; without one, the page's undo form.
  const undo = async () => {
    const form = $("form.undo");
    if (!last && form) return form.requestSubmit();
    if (!last) return say(document.body.dataset.nothingToUndo);
    const { entries, unban } = last;
    last = null;
    const f = document.createElement("form");
    const base = `/admin/sites/${encodeURIComponent(site)}`;
    const csrf = document.body.dataset.csrf;
    try {
      let data;
      if (unban) {
        f.setAttribute("action", `${base}/users/${encodeURIComponent(unban)}/sanctions`);
        data = await send(f, { csrf, kind: "reinstate" });
      } else {
        f.setAttribute("action", `${base}/undo`);
        for (const entry of entries) data = await send(f, { csrf, entry });
      }
      if (data.message) say(data.message);
      if (live) refresh();
      else location.reload();
    } catch (e) {
      say(e.message);
    }
  };

  // The reject picker: r, then the reason's number; "other" asks for a note.
  const reasonKeys = (item) => $$("#r-" + item.dataset.comment + " option").map((o) => o.value);
  const pick = () => {
    if (!formOf(current, "reject")) return;
    picking = current;
    const t = $("#reject-picker");
    const panel = t.content.firstElementChild.cloneNode(true);
    panel.dataset.picker = "";
    current.querySelector(".actions").after(panel);
  };
  const unpick = () => {
    if (picking) $("[data-picker]", picking)?.remove();
    picking = null;
  };
  const reject = (n) => {
    const item = picking;
    const form = formOf(item, "reject");
    const reason = item && reasonKeys(item)[n - 1];
    unpick();
    if (!reason || !form) return;
    form.reason.value = reason;
    if (reason === "other" && !form.note.value.trim()) {
      form.note.required = true;
      form.note.focus();
      return;
    }
    act(form);
  };

  const ban = () => {
    const d = current && $("[data-ban]", current);
    if (!d) return;
    d.open = true;
    $("select", d).focus();
  };

  const typing = (e) => e.target.closest("input, textarea, select, [contenteditable]") && !e.target.matches("[type=submit], [type=button]");

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape") {
      if (picking) return unpick();
      if (typing(e)) return e.target.blur(), current && current.focus();
      return;
    }
    if (typing(e) || (help && help.open)) return;
    if (picking && /^[1-8]$/.test(e.key)) return e.preventDefault(), reject(Number(e.key));
    if (picking) unpick();
    const k = e.key;
    const needsItem = "arfbox".includes(k) && k.length === 1;
    if (needsItem && !current) move(0);
    switch (k) {
      case "j": return e.preventDefault(), move(1);
      case "k": return e.preventDefault(), move(-1);
      case "a": return formOf(current, "approve") && act(formOf(current, "approve"));
      case "r": return e.preventDefault(), pick();
      case "f": return formOf(current, "feature") && act(formOf(current, "feature"));
      case "b": return e.preventDefault(), ban();
      case "o": return current && $(".who a", current)?.click();
      case "x": {
        const box = current && $(".pick", current);
        if (box) box.checked = !box.checked;
        return;
      }
      case "u": return undo();
      case "/": return e.preventDefault(), $("#q")?.focus();
      case "?": return e.preventDefault(), help?.showModal();
    }
  });
  for (const b of $$("[data-help]")) b.addEventListener("click", () => help.showModal());
  document.addEventListener("focusin", (e) => {
    const item = e.target.closest?.(".item");
    if (item && item !== current) select(item, false);
  });

  // refresh reloads page 1 of the queue as it now is, keeping the
  // selection where it can.
  const refresh = async () => {
    if (!live || !list) return;
    const res = await fetch(live.dataset.items, { headers: { Accept: "text/html" }, credentials: "same-origin" });
    if (!res.ok) return;
    const keep = current?.dataset.comment;
    const hadFocus = list.contains(document.activeElement);
    list.innerHTML = await res.text();
    current = null;
    const again = keep && document.getElementById("c-" + keep);
    if (again) select(again, hadFocus);
    else if (hadFocus) move(0);
    empty();
  };
  if (live) stream(live, refresh);
}

// stream follows the site's queue: on a change page 1 is reloaded, so that what another moderator took leaves and what
// came in appears.
function stream(live, refresh) {
  const text = $("[data-live-text]", live);
  const es = new EventSource(live.dataset.live);
  let t = null;
  let hellos = 0;
  // at most two reloads a second, however busy the site: a burst of
  // changes is one reload
  const soon = () => {
    if (t) return;
    t = setTimeout(() => ((t = null), refresh()), 500);
  };
  es.addEventListener("error", () => live.classList.remove("on"));
  es.addEventListener("hello", (e) => {
    text.textContent = JSON.parse(e.data).text;
    live.classList.add("on");
    if (hellos++) soon(); // reconnected: what changed meanwhile is unknown
  });
  es.addEventListener("queue", soon);
  es.addEventListener("bye", () => es.close());
}
