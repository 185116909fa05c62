// embed-account.js: the sign-in panel and the profile, loaded by embed.js
// when a reader first opens one. It brings its own messages.
import type { Account } from "../account";
import { KEYS, LANGS } from "./catalog.gen";
import { openProfile as profile } from "./profile";
import { openSignIn as signIn } from "./signin";

// learn adds this bundle's messages to the block's, so that refusals met
// outside the panel (an e-mail link's code) read as precisely as in it.
export const learn = (a: Account) => a.host.i.add(KEYS, LANGS[a.host.i.lang]);

export function openSignIn(a: Account, opener: HTMLElement) {
  learn(a);
  signIn(a, opener);
}

export function openProfile(a: Account, opener: HTMLElement) {
  learn(a);
  profile(a, opener);
}
