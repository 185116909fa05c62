// embed-pipeline.js: what the moderation pipeline asks of a post before it
// takes it, loaded by embed.js the first time it asks, so that readers who
// never meet it do not download it. It brings its own messages.
//   - 428 proofRequired: solve the challenge in the background (pow.ts,
//     in slices that leave the page responsive) and send the post again;
//   - 422 nudge: tell the reader, once, what was found, and let them edit
//     the comment or post it anyway (it then waits for a moderator).
import type { ApiError } from "../api";
import { button, h } from "../dom";
import type { I18n } from "../i18n";
import { solvePow } from "../pow";
import { KEYS, LANGS } from "./catalog.gen";

// Host is what this bundle needs of the block.
export interface Host {
  i: I18n;
  say(msg: string, error?: boolean): void;
}

// answer changes the post req so that it may be sent again, and resolves
// true; false when the reader chose to edit their comment instead.
export async function answer(host: Host, at: Element, e: ApiError, req: any): Promise<boolean> {
  host.i.add(KEYS, LANGS[host.i.lang]);
  if (e.key == "proofRequired") {
    const challenge = e.e.challenge?.challenge || "";
    host.say(host.i.t("composer.checking"));
    const s = await solvePow(challenge);
    if (!s) return false;
    req.proof = { challenge, solution: s.solution };
    return true;
  }
  if (!(await nudge(host.i, at, e.e.reasons || []))) return false;
  // the proof was spent on the nudged attempt: the server asks again
  delete req.proof;
  req.confirm = true;
  return true;
}

// nudge shows what the pipeline found under the form, its heading
// focused so that a screen reader reads it, and resolves with the
// reader's choice.
function nudge(i: I18n, at: Element, reasons: { text: string }[]): Promise<boolean> {
  at.querySelector(".ndg")?.remove();
  return new Promise((resolve) => {
    const done = (post: boolean) => {
      box.remove();
      if (!post) at.querySelector("textarea")?.focus();
      resolve(post);
    };
    const title = h("h3", { tabindex: -1 }, i.t("nudge.title"));
    const box = h("div", { class: "ndg", role: "group", "aria-label": i.t("nudge.title") },
      title,
      h("p", null, i.t("error.nudge")),
      h("ul", null, ...reasons.map((r) => h("li", null, r.text))),
      h("p", { class: "row" }, button(i.t("nudge.edit"), () => done(false)), button(i.t("nudge.postAnyway"), () => done(true), "pri")),
    );
    at.append(box);
    title.focus();
  });
}
