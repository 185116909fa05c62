package embed

// OIDCBurst is how many sign-ins one client may start at once.
const OIDCBurst = oidcBurst
