// A modal dialog in the block's shadow root: the browser keeps focus in
// it and closes it on Escape; focus goes back to what opened it.
import { button, h } from "../dom";
import type { Account } from "../account";

let n = 0;
const styled = new WeakSet<ShadowRoot>();

// css styles the dialogs; it inherits the block's palette (see styles.ts).
// A dialog hangs from the top, not centred, so that sections loading
// later grow it downwards and nothing moves under the reader.
const css = `.dlg{color:var(--t);background:var(--b);border:1px solid var(--l);border-radius:var(--parley-radius,6px);width:min(32rem,calc(100% - 2rem));max-height:calc(100% - 10vh);margin:5vh auto auto;padding:1rem}
.dlg::backdrop{background:#0008}.dh{display:flex;justify-content:space-between;align-items:center;gap:.5rem}.dh h3{margin:0;font-size:1.15rem}
h4{margin:1rem 0 .25rem}.alt{border-color:var(--l);display:block;margin:.5rem 0}.dng{color:var(--d);border-color:var(--d)}.pri.dng{background:none}
.x{border-color:var(--l)}.who .bdg{margin-left:.35rem}button:disabled{opacity:.6;cursor:not-allowed;text-decoration:none}.mine{list-style:none;padding:0}.mine li{margin:.75rem 0}.dst{margin:.5rem 0 0}.dst.err{color:var(--d)}.dst:empty{margin:0}`;

// adoptMore adds the dialogs' stylesheet to the block's root, once.
function adoptMore(root: ShadowRoot) {
  if (styled.has(root)) return;
  styled.add(root);
  if (!root.adoptedStyleSheets) return root.append(h("style", null, css));
  const s = new CSSStyleSheet();
  s.replaceSync(css);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, s];
}

// dialog opens a modal titled title with the given content, and returns
// it; closing removes it and focuses opener.
export function dialog(a: Account, opener: HTMLElement, title: string, ...kids: (Node | false)[]): HTMLDialogElement {
  const i = a.host.i, id = "dlg" + ++n;
  const d = h("dialog", { class: "dlg", "aria-labelledby": id },
    h("div", { class: "dh" }, h("h3", { id }, title), button(i.t("signin.close"), () => d.close(), "x")),
    ...kids);
  d.addEventListener("close", () => {
    d.remove();
    if (opener.isConnected) opener.focus();
  });
  adoptMore(a.host.shadowRoot!);
  a.host.shadowRoot!.querySelector(".p")!.append(d);
  d.showModal();
  (d.querySelector<HTMLElement>("input,button:not(.x)") || d.querySelector<HTMLElement>("button"))?.focus();
  return d;
}

// status is a live region inside a dialog, for what a step achieved.
export const status = () => h("p", { role: "status", class: "dst" });

// asError reads an error of the main bundle's Api by its fields: this
// bundle has its own copy of the class, so instanceof cannot tell.
export function asError(e: any): { code: string; key: string; retryAfter: number } {
  return { code: e?.code || "internal", key: e?.key || "", retryAfter: e?.retryAfter || 0 };
}
