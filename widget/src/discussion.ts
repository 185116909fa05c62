// <parley-discussion>: the whole block in a shadow root. It takes over the
// server-rendered fragment when there is one (no request for page 1),
// asks for personal state only when the reader has a token, and follows
// the story's live stream.
import { Account, AccountHost, User } from "./account";
import { Api, ApiError, enc } from "./api";
import { composer } from "./composer";
import { button, h } from "./dom";
import { I18n, pickLang } from "./i18n";
import { live } from "./live";
import { pageURL, storyFor } from "./story";
import { adopt } from "./styles";
import type { Comment, Me, Story, Thread } from "./types";
import { CommentView, Host } from "./view";

const SORTS = ["newest", "oldest", "top", "replies"];

export class Discussion extends HTMLElement implements Host, AccountHost {
  base = "";
  i!: I18n;
  api!: Api;
  account!: Account;
  // getToken is the page's SSO callback, set on the element (see README);
  // declared only, so that a callback set before the upgrade stays.
  declare getToken?: AccountHost["getToken"];
  views = new Map<string, CommentView>();
  reacted = new Set<string>();
  private own = new Map<string, Comment>();
  private uid = "";
  private story = "";
  private sort = "newest";
  private total = 0;
  private cursor = "";
  private fresh: Comment[] = [];
  private counted = new Set<string>(); // comments whose count came with their event
  private stop?: () => void;
  private lastEvent = -1;
  private timer: any;
  private el!: Record<"sec" | "count" | "status" | "list" | "empty" | "bar" | "closed", HTMLElement>;
  private moreBtn!: HTMLButtonElement;
  private noticeMod?: Promise<{ openNotice(host: Discussion, id: string, opener: HTMLElement): void }>;
  private newBtn!: HTMLButtonElement;

  connectedCallback() {
    if (this.api) return this.listen();
    const attr = (n: string) => this.getAttribute(n);
    const script = this.querySelector("script.parley-data");
    let page: Thread | undefined;
    try {
      page = script ? JSON.parse(script.textContent || "") : undefined;
    } catch {}
    this.i = new I18n(pickLang(this, attr("lang")));
    this.api = new Api(this.base, attr("site") || "");
    this.api.onToken = () => (this.el.sec.querySelectorAll<HTMLElement>(".nm").forEach((e) => (e.hidden = true)), this.account.render());
    this.account = new Account(this);
    this.story = attr("story") || page?.story.id || storyFor(this.url());
    this.sort = SORTS.includes(attr("sort")!) ? attr("sort")! : "newest";
    this.build();
    this.start(page);
  }

  disconnectedCallback() {
    this.stop?.();
    this.stop = undefined;
  }

  private url() {
    return this.getAttribute("url") || pageURL();
  }

  // start shows page 1 with the reader's own state merged in; both
  // requests run together, and neither is made when not needed.
  private async start(page?: Thread) {
    const thread = page ? Promise.resolve(page) : this.api.thread(this.story, this.sort);
    thread.catch(() => {}); // awaited below
    await this.account.start();
    const bySession = !!this.api.session;
    const me: Promise<Me | null> = this.api.credential
      ? this.api.call("GET", `/me/state?site=${enc(this.api.site)}&story=${enc(this.story)}`).catch((e) => {
          if (e.code == "unauthorized" && !bySession) this.api.token = null;
          return null;
        })
      : Promise.resolve(null);
    try {
      const [t, m] = await Promise.all([thread, me]);
      if (m) this.me(m);
      this.show(t);
    } catch (e) {
      this.el.empty.hidden = true;
      this.fail(e);
      clearTimeout(this.timer); // nothing else will show: keep the reason in view
    }
  }

  private me(m: Me) {
    this.uid = m.user?.id || "";
    (m.reactions || []).forEach((id) => this.reacted.add(id));
    (m.comments || []).forEach((c) => this.own.set(c.id, c));
  }

  private build() {
    const i = this.i, sel = h("select", { onchange: (e: Event) => this.resort((e.target as HTMLSelectElement).value) },
      ...SORTS.map((s) => h("option", { value: s, selected: s == this.sort }, i.t("sort." + s))));
    this.moreBtn = button(i.t("more.comments"), () => this.more(), "lnk");
    this.newBtn = button("", () => this.showFresh(), "new");
    this.moreBtn.hidden = this.newBtn.hidden = true;
    const el = (this.el = {
      sec: h("section", { class: "p", lang: i.lang, "aria-labelledby": "h" }),
      count: h("span", { class: "n" }),
      status: h("p", { role: "status", class: "st" }),
      list: h("ol", { class: "list" }),
      empty: h("p", { class: "empty" }, i.t("status.loading")),
      bar: h("p", { class: "bar", hidden: true }, h("label", null, i.t("sort.label"), " ", sel)),
      closed: h("p", { class: "closed", hidden: true }, i.t("closed")),
    });
    this.account.bar.hidden = true;
    el.sec.append(h("h2", { id: "h" }, i.t("discussion.heading"), " ", el.count), this.account.bar, el.closed, this.topComposer(),
      el.bar, this.newBtn, el.empty, el.list, this.moreBtn, el.status);
    const root = this.attachShadow({ mode: "open" });
    adopt(root);
    root.append(el.sec);
    this.applyTheme();
  }

  // applyTheme honours theme="light|dark"; without it the stylesheet
  // follows prefers-color-scheme.
  private applyTheme() {
    const t = this.getAttribute("theme");
    if (t == "light" || t == "dark") this.el.sec.dataset.theme = t;
  }

  private topComposer() {
    const i = this.i;
    return composer(i, {
      title: i.t("composer.cta"), askName: this.askName(), submit: i.t("composer.submit"),
      fail: (k) => this.say(i.t(k), true),
      onSubmit: async (body, name) => {
        const c = await this.post(body, name);
        this.fresh = this.fresh.filter((f) => f.id != c.id);
        this.newBtn.hidden = !this.fresh.length;
        this.newBtn.textContent = this.i.n("live.new", this.fresh.length);
        this.el.list.prepend(new CommentView(this, c, true).li);
        this.el.empty.hidden = true;
        this.el.bar.hidden = false;
      },
    });
  }

  askName() {
    return !this.api.credential;
  }

  // signedIn follows the account: a signed-in reader posts under their
  // name, and their comments are theirs.
  signedIn(u: User | null) {
    if (u) this.uid = u.id;
    this.el.sec.querySelectorAll<HTMLElement>(".nm").forEach((e) => (e.hidden = !!this.api.credential));
  }

  mine(c: Comment) {
    const o = this.own.get(c.id);
    if (o) Object.assign(c, { body: o.body, editableUntil: o.editableUntil });
    return !!this.uid && c.author?.id == this.uid;
  }

  async post(body: string, name: string, parentId?: string): Promise<Comment> {
    const i = this.i;
    try {
      const r = await this.api.call("POST", `/sites/${enc(this.api.site)}/stories/${enc(this.story)}/comments`, {
        body, parentId, author: name ? { name } : undefined,
        story: { url: this.url(), title: this.getAttribute("title") || document.title, lang: i.lang },
      });
      const c: Comment = r.comment, pending = c.status == "pending";
      this.uid = c.author?.id || this.uid;
      this.own.set(c.id, c);
      this.views.get(c.id)?.update(c); // the stream was faster: now it is known as mine
      if (!pending && !this.counted.has(c.id)) this.setCount(this.total + 1);
      this.say(i.t(pending ? "status.pendingPosted" : "status.posted"));
      return c;
    } catch (e) {
      this.fail(e);
      throw e;
    }
  }

  // show renders page 1 (or, with more, appends a further page).
  private show(t: Thread, more = false) {
    const { list, empty, bar } = this.el;
    if (!more) {
      list.replaceChildren();
      this.views.clear();
      this.fresh = [];
      this.newBtn.hidden = true;
      this.setStory(t.story);
    }
    for (const c of t.comments) if (!this.views.has(c.id)) list.append(new CommentView(this, c).li);
    if (!more) this.showPending();
    this.cursor = t.nextCursor || "";
    this.moreBtn.hidden = !this.cursor;
    empty.textContent = this.i.t("empty");
    bar.hidden = !(empty.hidden = !!list.firstChild);
    if (this.lastEvent < 0) {
      this.lastEvent = t.eventId || 0;
      this.listen();
    }
  }

  // showPending shows the reader's comments awaiting moderation, which
  // the public thread leaves out.
  private showPending() {
    for (const c of this.own.values()) {
      if (c.status != "pending" || this.views.has(c.id)) continue;
      if (!c.parentId) this.el.list.prepend(new CommentView(this, c).li);
      else this.views.get(c.parentId)?.add([c]);
    }
  }

  private setStory(s: Partial<Story>) {
    if (s.commentCount != null) this.setCount(s.commentCount);
    if (!s.status) return;
    const closed = s.status == "closed";
    this.el.sec.classList.toggle("x", closed);
    this.el.closed.hidden = !closed;
  }

  private setCount(n?: number) {
    if (n == null) return;
    this.total = n;
    this.el.count.textContent = this.i.n("comments.count", n);
  }

  private async load(cursor: string) {
    try {
      return await this.api.thread(this.story, this.sort, cursor);
    } catch (e) {
      this.fail(e);
    }
  }

  private async resort(sort: string) {
    this.sort = sort;
    const t = await this.load("");
    if (t) this.show(t);
  }

  private async more() {
    const n = this.el.list.children.length, t = await this.load(this.cursor);
    if (!t) return;
    this.show(t, true);
    if (this.moreBtn.hidden) (this.el.list.children[n]?.firstElementChild as HTMLElement | null)?.focus();
  }

  // showFresh inserts the new comments held behind the button at the top
  // and moves focus to the newest.
  private showFresh() {
    for (const c of this.fresh.splice(0)) if (!this.views.has(c.id)) this.el.list.prepend(new CommentView(this, c, true).li);
    this.newBtn.hidden = this.el.empty.hidden = true;
    this.el.bar.hidden = false;
    (this.el.list.firstElementChild?.firstElementChild as HTMLElement | null)?.focus();
  }

  private listen() {
    if (this.stop || this.lastEvent < 0) return;
    const url = `${this.base}/api/v1/sites/${enc(this.api.site)}/stories/${enc(this.story)}/events`;
    this.stop = live(url, this.lastEvent, (type, data) => this.onEvent(type, data));
  }

  private onEvent(type: string, d: any) {
    const c: Comment | undefined = d.comment, v = this.views.get(c ? c.id : d.commentId);
    this.setStory(type == "story" ? d : { commentCount: d.commentCount });
    if (type == "created" && c) {
      this.created(c);
      const parent = c.parentId && this.views.get(c.parentId);
      if (parent && this.mine(parent.c)) this.account.bell.refresh(); // a reply to me: the bell may have news
    }
    if (type == "edited") v?.update(c!);
    if (type == "deleted") v?.gone(!!d.removed);
    if (type == "reaction") v?.setReactions(d.reactions);
  }

  // created holds a new top-level comment behind the "N new" button, so
  // that nothing moves under the reader, and puts a reply in place.
  private created(c: Comment) {
    this.counted.add(c.id);
    const v = this.views.get(c.id);
    if (v) return v.c.status != c.status && v.update(c); // e.g. my pending comment, now approved
    if (this.fresh.some((f) => f.id == c.id) || c.status != "approved") return;
    if (c.parentId) return this.views.get(c.parentId)?.live(c);
    this.fresh.push(c);
    this.newBtn.textContent = this.i.n("live.new", this.fresh.length);
    this.newBtn.hidden = false;
    this.say(this.newBtn.textContent);
  }

  say(msg: string, error = false) {
    const st = this.el.status;
    st.textContent = msg;
    st.classList.toggle("err", error);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (st.textContent = ""), 10000);
  }

  // notice imports the notice form once (a failed import is tried again
  // next time) and opens it for c.
  async notice(c: Comment, opener: HTMLElement) {
    try {
      (await (this.noticeMod ||= import(this.base + "/embed-notice.js").catch((e) => {
        this.noticeMod = undefined;
        throw e;
      }))).openNotice(this, c.id, opener);
    } catch {
      this.fail(new ApiError("network"));
    }
  }

  // fail shows an API error in the reader's language: the precise key
  // when the catalog has it, else the code's message.
  fail(e: unknown) {
    const i = this.i, err = e instanceof ApiError ? e : new ApiError("internal");
    if (err.key == "originNotAllowed") {
      const site = this.api.site, o = location.origin;
      console.error(`Parley: site "${site}" does not allow pages on ${o} to embed its discussions. Add the origin with: parley site update --id ${site} --add-origin ${o}`);
    }
    const key = err.key && i.has("error." + err.key) ? "error." + err.key : "error." + err.code;
    this.say(i.t(i.has(key) ? key : "error.internal"), true);
  }
}
