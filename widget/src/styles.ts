// The block's stylesheet. Publishers theme it with custom properties on
// the element (they win over :host):
//   --parley-font, --parley-text, --parley-muted, --parley-bg,
//   --parley-surface, --parley-border, --parley-accent,
//   --parley-accent-text, --parley-danger, --parley-radius, --parley-indent
// Both palettes keep text at 4.5:1 or better on their backgrounds.

const light = "--t:var(--parley-text,#1b1b1b);--m:var(--parley-muted,#595959);--b:var(--parley-bg,#fff);--s:var(--parley-surface,#f3f4f6);--l:var(--parley-border,#767676);--a:var(--parley-accent,#1b4f8a);--at:var(--parley-accent-text,#fff);--d:var(--parley-danger,#b3261e)";
const dark = "--t:var(--parley-text,#ececec);--m:var(--parley-muted,#b4b4b4);--b:var(--parley-bg,#121212);--s:var(--parley-surface,#1f2328);--l:var(--parley-border,#8b8b8b);--a:var(--parley-accent,#8ab4f8);--at:var(--parley-accent-text,#0b1a2e);--d:var(--parley-danger,#ff8a80)";

export const css = `:host{display:block}
.p{${light};font:1rem/1.5 var(--parley-font,system-ui,sans-serif);color:var(--t);background:var(--b);padding:1rem;border-radius:var(--parley-radius,6px);overflow-wrap:anywhere}
@media (prefers-color-scheme:dark){.p:not([data-theme=light]){${dark}}}
.p[data-theme=dark]{${dark}}
*{box-sizing:border-box}
h2{font-size:1.35rem;margin:0 0 1rem}.n{font-size:1rem;font-weight:400;color:var(--m);margin-left:.4rem}
ol{list-style:none;margin:0;padding:0}
.rp{margin-left:var(--parley-indent,1.25rem);padding-left:.75rem;border-left:2px solid var(--s)}.rp.flat{margin-left:0;padding-left:0;border:0}
.c{margin:1rem 0}article{border-radius:var(--parley-radius,6px)}.hl>article{animation:hl 2s}
@keyframes hl{from{background:var(--s)}}
header{display:flex;flex-wrap:wrap;gap:0 .5rem;align-items:baseline}
time,.mt,.hint{color:var(--m);font-size:.875rem}
.bd p{margin:.3rem 0}.bd blockquote{margin:.4rem 0;padding-left:.75rem;border-left:3px solid var(--l);color:var(--m)}.bd pre{overflow-x:auto}
a{color:var(--a)}
.del,.pend,.empty,.closed{color:var(--m);font-style:italic}.pend{font-size:.875rem}
.hp{position:absolute;left:-1e4px;width:1px;height:1px;overflow:hidden}.ndg{border-left:3px solid var(--a);padding-left:.75rem}
.act{display:flex;flex-wrap:wrap;gap:.25rem;margin:.25rem 0;font-size:.9rem}
button,select,input,textarea{font:inherit;color:inherit}
button{cursor:pointer;border:1px solid transparent;border-radius:var(--parley-radius,6px);background:none;padding:.3rem .6rem;color:var(--a)}
.act button{padding:.15rem .4rem;margin-left:-.4rem;margin-right:.4rem}
button:hover{text-decoration:underline}
.pri,.new{background:var(--a);color:var(--at);font-weight:600;padding:.45rem 1rem}
.rs[aria-pressed=true]{background:var(--s);border-color:var(--l);font-weight:600}
.lnk{border-color:var(--l);width:100%;margin:.5rem 0}
.new{display:block;margin:.5rem 0 1rem}
:focus-visible{outline:3px solid var(--a);outline-offset:2px}
.cmp{background:var(--s);padding:.75rem;border-radius:var(--parley-radius,6px);margin:.5rem 0 1rem}
.cta{font-weight:600;margin:0 0 .5rem}
label{display:block;margin:.4rem 0}
input,textarea,select{display:block;width:100%;margin-top:.2rem;padding:.45rem;background:var(--b);border:1px solid var(--l);border-radius:var(--parley-radius,6px)}
select{display:inline-block;width:auto}.bar label{display:inline}
textarea{resize:vertical}
fieldset{border:0;padding:0;margin:0}legend{font-weight:600}
.opt{display:flex;gap:.5rem;align-items:center}.opt input{width:auto;margin:0}
.row{display:flex;gap:.5rem;flex-wrap:wrap;margin:.5rem 0 0}
.st{position:sticky;bottom:0;margin:0;background:var(--b);border-left:4px solid var(--a);padding:.5rem .75rem}.st:empty{padding:0;border:0}.st.err{border-color:var(--d);color:var(--d)}
.acct{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:-.5rem 0 1rem}.bdg{font-size:.8rem;border:1px solid var(--l);border-radius:var(--parley-radius,6px);padding:0 .35rem;color:var(--t)}.bdg.role{background:var(--a);border-color:var(--a);color:var(--at)}.acb{border-color:var(--l)}
[hidden]{display:none!important}
@media (max-width:30rem){.p{padding:.75rem .5rem}.rp{margin-left:.5rem;padding-left:.5rem}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}`;

// adopt styles a shadow root with one constructed stylesheet shared by
// every block on the page. Constructed sheets are not inline styles, so a
// publisher's CSP needs no 'unsafe-inline' in style-src; browsers without
// them (Safari before 16.4) get a <style> element instead.
let sheet: CSSStyleSheet | undefined;
export function adopt(root: ShadowRoot) {
  if (!root.adoptedStyleSheets) return root.append(Object.assign(document.createElement("style"), { textContent: css }));
  if (!sheet) (sheet = new CSSStyleSheet()).replaceSync(css);
  root.adoptedStyleSheets = [sheet];
}

