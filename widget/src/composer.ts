// The comment form, used for new comments, replies and edits. It checks
// what it can before sending so that those errors are translated too.
import { h, button } from "./dom";
import type { I18n } from "./i18n";

export interface ComposerOptions {
  title: string;       // call to action or "Replying to …"
  askName: boolean;    // no commenter token yet
  submit: string;      // button label
  body?: string;       // text to edit
  cancel?: string;     // label of a cancel button, if any
  onCancel?: () => void;
  onSubmit: (body: string, name: string, website: string) => Promise<unknown>;
  fail: (key: string) => void;
}

// composer builds the form. Ctrl/Cmd+Enter submits from the text area.
export function composer(i: I18n, o: ComposerOptions): HTMLFormElement {
  const name = h("input", { name: "name", maxlength: 50, autocomplete: "nickname" });
  const text = h("textarea", { name: "body", rows: 4 });
  text.value = o.body || "";
  const send = h("button", { type: "submit", class: "pri" }, o.submit);
  // the honeypot: off screen and hidden from assistive technology, so
  // that only a script filling every field fills it
  const hp = h("input", { name: "website", tabindex: -1, autocomplete: "off" });
  text.onkeydown = (e) => {
    if (e.key == "Enter" && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  };
  const form: HTMLFormElement = h("form", { class: "cmp", "aria-label": o.title },
    h("p", { class: "cta" }, o.title),
    o.askName && h("label", { class: "nm" }, i.t("composer.name"), name),
    h("label", null, i.t("composer.body"), text),
    !o.body && h("p", { class: "hint" }, i.t("composer.hint")),
    !o.body && h("div", { class: "hp", "aria-hidden": "true" }, h("label", null, i.t("composer.honeypot"), hp)),
    h("p", { class: "row" }, send, o.cancel && button(o.cancel, o.onCancel!)),
  );
  form.onsubmit = async (e) => {
    e.preventDefault();
    const body = text.value.trim();
    const who = o.askName && !name.closest("[hidden]") ? name.value.trim() : "";
    if (!body) return o.fail("error.empty"), text.focus();
    if (o.askName && !who && !name.closest("[hidden]")) return o.fail("error.nameRequired"), name.focus();
    send.disabled = true;
    try {
      await o.onSubmit(body, who, hp.value);
      text.value = "";
    } catch {
      // the caller has shown the error; keep the text for another try
    }
    send.disabled = false;
  };
  return form;
}
