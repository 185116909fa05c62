// embed-notice.js: the form of a notice of illegal content (Digital
// Services Act, Art. 16), loaded by embed.js when a reader first opens
// it. It brings its own messages. Every field has a label; a refusal is
// announced in the dialog and marks the field it is about.
import type { Api } from "../api";
import { button, h } from "../dom";
import type { I18n } from "../i18n";
import { KEYS, LANGS } from "./catalog.gen";

// NoticeHost is what the form needs of the block around it.
export interface NoticeHost {
  i: I18n;
  api: Api;
  shadowRoot: ShadowRoot | null;
}

const KINDS = ["illegal_hate_speech", "defamation", "terrorist_content", "child_sexual_abuse", "privacy", "intellectual_property", "fraud", "other"];

const css = `.ntc{color:var(--t);background:var(--b);border:1px solid var(--l);border-radius:var(--parley-radius,6px);width:min(34rem,calc(100% - 2rem));max-height:calc(100% - 10vh);margin:5vh auto auto;padding:1rem}
.ntc::backdrop{background:#0008}.ntc h3{margin:0 0 .5rem;font-size:1.15rem}.ntc label{display:block;margin:.6rem 0 0}.ntc .opt{display:flex}
.ntc select,.ntc input:not([type=checkbox]),.ntc textarea{display:block;width:100%;box-sizing:border-box;margin-top:.25rem}.ntc .hint{color:var(--m);font-size:.9em;margin:.25rem 0 0}
.ntc .err{color:var(--d);font-weight:600}.ntc [aria-invalid=true]{border-color:var(--d)}`;

const styled = new WeakSet<ShadowRoot>();
let n = 0;

// adopt adds the form's stylesheet to the block's root once, as a
// constructed sheet: the pages' CSP allows no inline style.
function adopt(root: ShadowRoot) {
  if (styled.has(root)) return;
  styled.add(root);
  const s = new CSSStyleSheet();
  s.replaceSync(css);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, s];
}

// The refusals that name one field: the field then carries the error.
const FIELD: Record<string, string> = {
  noticeKind: "kind", noticeLaw: "law", noticeExplanation: "explanation", noticeContact: "name",
  noticeEmail: "email", badEmail: "email", noticeGoodFaith: "goodFaith", badText: "explanation",
};

// openNotice opens the form for comment id; closing it focuses opener.
export function openNotice(host: NoticeHost, id: string, opener: HTMLElement) {
  const i = host.i, root = host.shadowRoot!, p = "ntc" + ++n;
  i.add(KEYS, LANGS[i.lang]);
  adopt(root);
  const field = (name: string, label: string, input: HTMLElement, hint?: string) => {
    input.id = p + name;
    input.setAttribute("name", name);
    return h("label", { for: input.id }, label, input, hint && h("span", { class: "hint", id: p + name + "h" }, hint));
  };
  const kind = h("select", { required: true }, ...KINDS.map((k) => h("option", { value: k }, i.t("dsa.kind." + k))));
  const law = h("input", { type: "text", maxlength: 300 });
  const explanation = h("textarea", { rows: 5, maxlength: 5000, required: true });
  const name = h("input", { type: "text", maxlength: 50, autocomplete: "name" });
  const email = h("input", { type: "email", maxlength: 254, autocomplete: "email" });
  const good = h("input", { type: "checkbox", required: true, id: p + "goodFaith", name: "goodFaith" });
  const alert = h("p", { role: "alert", class: "err", id: p + "err" });
  const form = h("form", { novalidate: true },
    h("p", null, i.t("notice.intro")),
    field("kind", i.t("notice.kind"), kind),
    field("law", i.t("notice.law"), law),
    field("explanation", i.t("notice.explanation"), explanation),
    field("name", i.t("notice.name"), name, i.t("notice.contactOptional")),
    field("email", i.t("notice.email"), email),
    h("label", { class: "opt", for: good.id }, good, i.t("notice.goodFaith")),
    alert,
    h("p", { class: "row" }, h("button", { type: "submit", class: "pri" }, i.t("notice.submit")), button(i.t("notice.cancel"), () => d.close())));
  const d = h("dialog", { class: "ntc", "aria-labelledby": p + "t" }, h("h3", { id: p + "t" }, i.t("notice.title")), form);
  d.addEventListener("close", () => {
    d.remove();
    if (opener.isConnected) opener.focus();
  });
  form.onsubmit = async (e) => {
    e.preventDefault();
    form.querySelectorAll("[aria-invalid]").forEach((f) => f.removeAttribute("aria-invalid"));
    alert.textContent = "";
    const body = { kind: kind.value, law: law.value, explanation: explanation.value, name: name.value, email: email.value, goodFaith: good.checked, lang: i.lang };
    try {
      const res = await host.api.call("POST", `/comments/${encodeURIComponent(id)}/notices`, body);
      done(d, i, res.reference, res.mailed);
    } catch (err: any) {
      refused(form, alert, i, err?.code || "internal", err?.key || "");
    }
  };
  root.querySelector(".p")!.append(d);
  d.showModal();
  kind.focus();
}

// refused announces a refusal and marks its field, which takes the focus.
function refused(form: HTMLFormElement, alert: HTMLElement, i: I18n, code: string, key: string) {
  const msg = key && i.has("error." + key) ? "error." + key : "error." + code;
  alert.textContent = i.t(i.has(msg) ? msg : "error.internal");
  const f = FIELD[key] && form.querySelector<HTMLElement>(`[name=${FIELD[key]}]`);
  if (f) {
    f.setAttribute("aria-invalid", "true");
    f.setAttribute("aria-describedby", alert.id);
    f.focus();
  }
}

// done replaces the form with the receipt: the reference, and whether a
// confirmation is on its way by mail.
function done(d: HTMLDialogElement, i: I18n, ref: string, mailed: boolean) {
  const close = button(i.t("notice.back"), () => d.close(), "pri");
  d.querySelector("form")!.replaceWith(h("div", null,
    h("p", { role: "status" }, i.t("notice.done", ref), mailed ? " " + i.t("notice.doneMail") : ""),
    h("p", { class: "row" }, close)));
  close.focus();
}
