// Small DOM builder. Text always goes in as text nodes; the one place that
// sets innerHTML (sanitized comment bodies) does so explicitly elsewhere.

type Kid = Node | string | false | null | undefined;
type Props = Record<string, any> | null;

// h creates an element: "on…" props become listeners, true/strings become
// attributes, false/null props are skipped.
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props, ...kids: Kid[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const k in props) {
    const v = props[k];
    if (v == null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids) if (k) e.append(k);
  return e;
}

// button makes a real <button type=button>.
export const button = (label: Kid, onclick: (e: Event) => void, cls?: string) =>
  h("button", { type: "button", class: cls, onclick }, label);
