// embed-account.js: the sign-in panel and the profile, loaded by embed.js
// when a reader first opens one. It brings its own messages.
import type { Account } from "../account";
import { KEYS, LANGS } from "./catalog.gen";
import { openProfile as profile } from "./profile";
import { openSignIn as signIn } from "./signin";

const learn = (a: Account) => a.host.i.add(KEYS, LANGS[a.host.i.lang]);

export function openSignIn(a: Account, opener: HTMLElement) {
  learn(a);
  signIn(a, opener);
}

export function openProfile(a: Account, opener: HTMLElement) {
  learn(a);
  profile(a, opener);
}
