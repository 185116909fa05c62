// embed-inbox.js: the reader's notification inbox, loaded by the bell
// (bell.ts) when a reader first opens it. It brings its own messages.
import { enc } from "../api";
import type { Account } from "../account";
import { asError, dialog, status } from "../account/dialog";
import { button, h } from "../dom";
import type { I18n } from "../i18n";
import type { Bell } from "./bell";
import { KEYS, LANGS } from "./catalog.gen";

interface Item {
  id: string;
  kind: string;
  read: boolean;
  createdAt: string;
  story?: { id: string; title: string; url: string };
  comment?: { id: string; status: string; html?: string };
  message?: string;
  until?: string;
  statement?: { paragraphs: string[] };
  contest?: { url: string; until: string };
}

// openInbox shows the first page of the reader's notifications and marks
// the unread ones on it read, since the reader now sees them.
export function openInbox(a: Account, bell: Bell) {
  const i = a.host.i, api = a.api, path = `/sites/${enc(api.site)}/inbox`;
  i.add(KEYS, LANGS[i.lang]);
  const list = h("ul", { class: "mine inb" }), st = status();
  const more = button(i.t("inbox.more"), () => page(next), "alt");
  let next = "";
  const fail = (e: unknown) => {
    const err = asError(e);
    st.classList.add("err");
    st.textContent = i.t(i.has("error." + err.key) ? "error." + err.key : "error." + err.code);
  };
  const page = async (cursor: string) => {
    try {
      const r = await api.call("GET", `${path}?lang=${i.lang}&cursor=${enc(cursor)}`);
      list.append(...r.items.map((it: Item) => item(a, it)));
      if (!list.children.length) list.append(h("li", null, i.t("inbox.empty")));
      next = r.nextCursor || "";
      more.hidden = !next;
      const unread = r.items.filter((it: Item) => !it.read).map((it: Item) => it.id);
      bell.set(unread.length ? (await api.call("POST", `${path}/read`, { ids: unread })).unread : r.unread);
    } catch (e) {
      fail(e);
    }
  };
  more.hidden = true;
  // the list fills in later: focus starts on the close button, which is there now
  dialog(a, bell.btn, i.t("inbox.title"), list, more, st).querySelector<HTMLElement>(".x")!.focus();
  page("");
}

// item renders one notification: what happened, where and when, and for a
// decision its statement of reasons and the way to contest it.
function item(a: Account, it: Item) {
  const i = a.host.i, title = it.story?.title || it.story?.id || "";
  const what = it.kind == "suspended" ? i.t("inbox.suspended", it.until ? i.date(it.until) : "") : i.t("inbox." + it.kind, title);
  // what is new is in bold; what was seen before, plain
  const li = h("li", null,
    h("p", null, h(it.read ? "span" : "b", null, what), " ", h("time", { datetime: it.createdAt }, i.rel(it.createdAt))),
    !!it.message && h("p", null, i.t("inbox.message", it.message)),
    !!it.story?.url && /^https?:/.test(it.story.url) && h("a", { href: it.story.url + (it.comment ? "#c-" + it.comment.id : "") }, i.t("inbox.open")));
  if (it.statement) {
    li.append(h("details", null, h("summary", null, i.t("inbox.statement")), ...it.statement.paragraphs.map((p) => h("p", null, p))));
  }
  if (it.contest) li.append(contest(a, i, it.contest.url));
  return li;
}

// contest is the "Contest this decision" action: a short form whose text
// goes to the complaint route of the decision (Digital Services Act,
// Art. 20).
function contest(a: Account, i: I18n, url: string) {
  const st = status(), box = h("textarea", { rows: 3, maxlength: 4000, required: true });
  const form = h("form", { class: "cst", hidden: true, onsubmit: async (e: Event) => {
      e.preventDefault();
      try {
        await a.api.call("POST", url.replace(/^\/api\/v1/, ""), { explanation: box.value });
        form.replaceChildren(st);
        st.textContent = i.t("inbox.contested");
      } catch (err) {
        const x = asError(err);
        st.classList.add("err");
        st.textContent = i.t(i.has("error." + x.key) ? "error." + x.key : "error." + x.code);
      }
    } },
    h("label", null, i.t("inbox.contestWhy"), box), h("button", { type: "submit", class: "pri" }, i.t("inbox.contestSend")), st);
  const open = button(i.t("inbox.contest"), () => {
    open.hidden = true;
    form.hidden = false;
    box.focus();
  }, "alt");
  return h("div", null, open, form);
}
