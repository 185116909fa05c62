// The bell: the reader's unread notifications, in the block's account
// bar, for a reader with an identity (signed in, or holding the commenter
// token). Its count is one indexed request, asked on start, when the page
// gets focus again and when the story's live stream brings a reply to one
// of the reader's comments, at most once in 10 s: no polling loop of its
// own. The inbox panel is
// /embed-inbox.js, loaded when a reader first opens it.
import { enc } from "../api";
import { button, h } from "../dom";
import type { Account } from "../account";

export class Bell {
  readonly btn: HTMLButtonElement;
  private last = 0;

  constructor(readonly a: Account) {
    this.btn = button("", () => this.open(), "acb");
    this.set(0);
    addEventListener("focus", () => this.refresh());
  }

  // set shows n unread: a badge, and the count in the button's name.
  set(n: number) {
    const i = this.a.host.i;
    this.btn.replaceChildren("🔔", n ? h("span", { class: "bdg" }, i.num(n)) : "");
    this.btn.setAttribute("aria-label", i.t("inbox.bell", i.num(n)));
  }

  // refresh asks for the count, unless it was asked for within 10 s.
  refresh() {
    const now = Date.now(), api = this.a.api;
    if (!api.credential || now - this.last < 1e4) return;
    this.last = now;
    api.call("GET", `/sites/${enc(api.site)}/inbox/unread`).then((r) => this.set(r.unread), () => {});
  }

  // open loads the panel; an import that failed is tried again.
  private open() {
    import(this.a.host.base + "/embed-inbox.js").then((m) => m.openInbox(this.a, this), (e) => this.a.host.fail(e));
  }
}
