package httpapi

import (
	"errors"

	"parley"
	"parley/internal/i18n"
	"parley/internal/moderation"
	"parley/internal/service"
)

// nudgeReason is one thing a nudge points out, in the reader's words.
type nudgeReason struct {
	Check string `json:"check"` // parley.CheckWords or CheckScorer
	Key   string `json:"key"`   // the list, or the scorer's reason key
	Text  string `json:"text"`  // what to tell the reader, translated
}

// pipelineDetails adds to an error body what the client needs to act on
// the pipeline's refusals: the challenge to solve, or what the reader is
// asked to look at again.
func pipelineDetails(body *errorJSON, err error, p *i18n.Printer) {
	if req, ok := errors.AsType[*service.ProofRequired](err); ok {
		body.Challenge = &req.Challenge
	}
	if n, ok := errors.AsType[*service.Nudge](err); ok {
		body.Reasons = readerReasons(p, n.Reasons)
	}
}

// readerReasons says a nudge's reasons in the reader's language, each
// once: a suspect word names the entry found; a scorer's reason says
// what it saw ("many links", "mostly capitals").
func readerReasons(p *i18n.Printer, rs []parley.Reason) []nudgeReason {
	out := make([]nudgeReason, 0, len(rs))
	seen := map[string]bool{}
	for _, r := range rs {
		var text string
		switch {
		case r.Check == parley.CheckWords:
			text = p.T("nudge.words", r.Detail)
		case nudgeKeys[r.Key]:
			text = p.T("nudge." + r.Key)
		default:
			text = p.T("nudge.other")
		}
		if seen[text] {
			continue
		}
		seen[text] = true
		out = append(out, nudgeReason{Check: r.Check, Key: r.Key, Text: text})
	}
	return out
}

// nudgeKeys are the scorer reasons with a message of their own.
var nudgeKeys = map[string]bool{
	moderation.ReasonLinks: true, moderation.ReasonMostlyLinks: true, moderation.ReasonCapitals: true,
	moderation.ReasonRepeatChar: true, moderation.ReasonRepeatWord: true, moderation.ReasonRepetitive: true,
	moderation.ReasonNewAccount: true, moderation.ReasonSpam: true, moderation.ReasonBlatant: true,
}
