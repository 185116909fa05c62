// Package moderation holds Parley's moderation policy that needs no storage:
// today the banned and suspect word lists and the matcher that finds their
// entries in a comment; later the rules, scorers and limiter of the
// moderation pipeline.
//
// The word matcher works on a normalized reading of the text (Normalize):
// case folded, without diacritics, with look-alike letters, full-width forms
// and leetspeak read as the Latin letters they imitate, and with the
// separators of spelled-out words ("i.d.i.o.t") removed. An entry matches
// only whole words of that reading, so that harmless words which contain a
// listed one ("Scunthorpe", "Klassenarbeit", "computadora", "député") pass,
// and letters repeated in the text ("iiidiooot") are absorbed while the
// letters an entry lists must all be there ("as" is not "ass"). Each Match
// carries the byte span of the original text, for a moderator to see what
// was found. Entries may be phrases ("fils de pute"), prefixes ("idiot*")
// and exceptions ("!con carne": nothing is found inside it).
//
// Defaults gives the lists Parley ships for de, en, es and fr (lists/);
// CompileWords compiles a site's two lists, and Lists.Match checks a comment
// against both with one normalization.
//
// The package is pure: a List is compiled once and is safe for concurrent
// use; matching never blocks, never times out and has no failure mode.
package moderation
