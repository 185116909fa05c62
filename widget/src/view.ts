// One comment in the thread: its article, its replies and its actions.
// The body is the server's sanitized HTML; everything else is text.
import { badges } from "./account";
import { Api, enc } from "./api";
import { composer } from "./composer";
import { button, h } from "./dom";
import type { I18n } from "./i18n";
import type { Comment } from "./types";

// Host is what a comment needs of the discussion around it.
export interface Host {
  i: I18n;
  api: Api;
  views: Map<string, CommentView>;
  reacted: Set<string>;
  mine(c: Comment): boolean;
  askName(): boolean;
  post(body: string, name: string, parentId?: string): Promise<Comment>;
  say(msg: string, error?: boolean): void;
  fail(e: unknown): void;
  // notice opens the form of a notice of illegal content (embed-notice.js).
  notice(c: Comment, opener: HTMLElement): void;
}

export class CommentView {
  readonly li = h("li", { class: "c" });
  private kids = h("ol", { class: "rp" });
  private more = button("", () => this.load(), "lnk");
  private cursor = "";
  private art!: HTMLElement;
  private slot!: HTMLElement;
  private count?: HTMLElement;
  private respect?: HTMLButtonElement;

  // fresh marks a comment that arrives while the reader is here, for a
  // brief highlight.
  constructor(private d: Host, readonly c: Comment, fresh = false) {
    d.views.set(c.id, this);
    if (fresh) this.li.classList.add("hl");
    if (c.depth >= 3) this.kids.classList.add("flat");
    this.render();
    this.li.append(this.kids, this.more);
    this.add(c.replies || []);
    this.setMore(c.repliesCursor);
  }

  // render (re)draws the article, keeping replies as they are.
  render(focus = false) {
    const art = this.article();
    this.art ? this.art.replaceWith(art) : this.li.prepend(art);
    this.art = art;
    if (focus) art.focus();
  }

  private article(): HTMLElement {
    const { c, d } = this, i = d.i;
    if (c.status == "deleted") return h("article", { tabindex: -1 }, h("p", { class: "del" }, i.t("comment.deleted")));
    const own = d.mine(c);
    this.count = h("span", null, i.num(c.reactions));
    // Readers cannot react to their own comment: show the count, not a button.
    const respect = own
      ? h("span", { class: "rs" }, i.t("comment.respect"), " ", this.count)
      : (this.respect = h("button", { type: "button", class: "rs", "aria-pressed": "" + d.reacted.has(c.id), onclick: () => this.react() }, i.t("comment.respect"), " ", this.count));
    const body = h("div", { class: "bd" });
    body.innerHTML = c.html; // sanitized by the server (goldmark + bluemonday)
    this.slot = h("div");
    const editable = own && c.body != null && Date.parse(c.editableUntil || "") > Date.now();
    return h("article", { tabindex: -1, "aria-labelledby": "a" + c.id },
      h("header", null,
        h("b", { class: "au", id: "a" + c.id }, c.author?.deleted ? i.t("comment.deletedUser") : c.author?.name || ""), ...badges(i, c.author?.role, c.author?.badges), " ",
        h("time", { datetime: c.createdAt, title: i.date(c.createdAt) }, i.rel(c.createdAt)),
        c.editedAt && h("span", { class: "mt" }, ` (${i.t("comment.edited")})`)),
      c.status == "pending" && h("p", { class: "pend" }, i.t("comment.pending")),
      body,
      h("p", { class: "act" }, respect,
        button(i.t("comment.reply"), () => this.reply(), "rb"),
        editable && button(i.t("comment.edit"), () => this.edit()),
        own && button(i.t("comment.delete"), () => this.del()),
        !own && button(i.t("comment.report"), () => this.report()),
        !own && this.noticeButton()),
      this.slot);
  }

  // add renders replies not yet shown and returns the first new one.
  add(list: Comment[], fresh = false): CommentView | undefined {
    let first: CommentView | undefined;
    for (const r of list) {
      if (this.d.views.has(r.id)) continue;
      const v = new CommentView(this.d, r, fresh);
      this.kids.append(v.li);
      first ||= v;
    }
    return first;
  }

  private setMore(cursor?: string) {
    const { c, d } = this;
    this.cursor = cursor || "";
    const thread = !cursor && !this.kids.firstChild && c.replyCount > 0;
    this.more.textContent = cursor ? d.i.t("more.replies") : thread ? `${d.i.t("more.thread")} (${d.i.n("comment.replies", c.replyCount)})` : "";
    this.more.hidden = !this.more.textContent;
  }

  // load fetches further replies; focus moves to the first when the button
  // that had it goes away.
  private async load() {
    try {
      const page = await this.d.api.replies(this.c.id, this.cursor);
      const first = this.add(page.comments);
      this.setMore(page.nextCursor);
      if (this.more.hidden) first?.art.focus();
    } catch (e) {
      this.d.fail(e);
    }
  }

  // live adds a reply from the stream: in place when this comment's
  // replies are shown, else as a higher count behind the button.
  live(r: Comment) {
    this.c.replyCount++;
    if (this.kids.firstChild || this.c.replyCount == 1) this.add([r], true);
    else this.setMore(this.cursor);
  }

  update(c: Comment) {
    Object.assign(this.c, c);
    this.render(this.art.matches(":focus-within"));
  }

  setReactions(n: number, pressed?: boolean) {
    this.c.reactions = n;
    if (this.count) this.count.textContent = this.d.i.num(n);
    if (pressed != null) this.respect?.setAttribute("aria-pressed", "" + pressed);
  }

  // gone shows the placeholder, or removes the comment when nothing hangs
  // on it.
  gone(remove: boolean) {
    if (remove) {
      this.li.remove();
      this.d.views.delete(this.c.id);
      return;
    }
    Object.assign(this.c, { status: "deleted", html: "", author: undefined });
    this.render();
  }

  // noIdentity explains, instead of failing, that reacting and reporting
  // need the identity a first comment gives.
  private noIdentity() {
    return !this.d.api.credential && (this.d.say(this.d.i.t("error.identityRequired")), true);
  }

  private async react() {
    const { c, d } = this, on = this.respect?.getAttribute("aria-pressed") == "true";
    if (this.noIdentity()) return;
    try {
      const r = await d.api.call(on ? "DELETE" : "PUT", `/comments/${enc(c.id)}/reaction`);
      r.reacted ? d.reacted.add(c.id) : d.reacted.delete(c.id);
      this.setReactions(r.reactions, r.reacted);
    } catch (e) {
      d.fail(e);
    }
  }

  // open puts a form under the comment and focuses its first field.
  private open(form: HTMLFormElement) {
    this.slot.replaceChildren(form);
    form.querySelector<HTMLElement>("input,textarea")?.focus();
  }

  private close = () => {
    this.slot.replaceChildren();
    this.art.focus();
  };

  private reply() {
    const { c, d } = this, i = d.i;
    this.open(composer(i, {
      title: i.t("composer.replyTo", c.author?.name), askName: d.askName(), submit: i.t("composer.submit"),
      cancel: i.t("composer.cancelReply"), onCancel: this.close, fail: (k) => d.say(i.t(k), true),
      onSubmit: async (body, name) => {
        const r = await d.post(body, name, c.id);
        this.slot.replaceChildren();
        // the stream may have brought the reply already
        const v = d.views.get(r.id) || (c.replyCount++, this.add([r], true));
        v?.art.focus();
      },
    }));
  }

  private edit() {
    const { c, d } = this, i = d.i;
    this.open(composer(i, {
      title: i.t("comment.edit"), askName: false, submit: i.t("comment.save"), body: c.body,
      cancel: i.t("comment.cancel"), onCancel: this.close, fail: (k) => d.say(i.t(k), true),
      onSubmit: async (body) => {
        try {
          const r = await d.api.call("PATCH", `/comments/${enc(c.id)}`, { body });
          Object.assign(c, r.comment);
          this.render(true);
          d.say(i.t("status.saved"));
        } catch (e) {
          d.fail(e);
          throw e;
        }
      },
    }));
  }

  private async del() {
    const { c, d } = this, i = d.i;
    if (!confirm(i.t("comment.deleteConfirm"))) return;
    try {
      await d.api.call("DELETE", `/comments/${enc(c.id)}`);
      const next = this.li.nextElementSibling?.firstElementChild as HTMLElement | undefined;
      this.gone(c.replyCount == 0);
      (c.replyCount ? this.art : next)?.focus();
      d.say(i.t("status.deleted"));
    } catch (e) {
      d.fail(e);
    }
  }

  // noticeButton opens the notice form; anyone may send one, signed in
  // or not, so it needs no identity.
  private noticeButton() {
    const b = button(this.d.i.t("notice.action"), () => this.d.notice(this.c, b));
    b.setAttribute("aria-haspopup", "dialog");
    return b;
  }

  private report() {
    const { c, d } = this, i = d.i;
    if (this.noIdentity()) return;
    const note = h("textarea", { rows: 2, maxlength: 500 });
    const reasons = ["spam", "abuse", "off_topic", "other"].map((r, k) =>
      h("label", { class: "opt" }, h("input", { type: "radio", name: "reason", value: r, checked: k == 0 }), i.t("report." + r)));
    const form = h("form", { class: "cmp" },
      h("fieldset", null, h("legend", null, i.t("report.title")), ...reasons),
      h("label", null, i.t("report.note"), note),
      h("p", { class: "row" }, h("button", { type: "submit", class: "pri" }, i.t("report.submit")), button(i.t("comment.cancel"), this.close)));
    form.onsubmit = async (e) => {
      e.preventDefault();
      const reason = (form.elements.namedItem("reason") as RadioNodeList).value;
      try {
        await d.api.call("POST", `/comments/${enc(c.id)}/reports`, { reason, note: note.value.trim() || undefined });
        this.close();
        d.say(i.t("report.thanks"));
      } catch (e) {
        d.fail(e);
      }
    };
    this.open(form);
  }
}
