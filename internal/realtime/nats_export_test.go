package realtime

// EventSubject is eventSubject, for the tests of subject encoding.
var EventSubject = eventSubject

// RedactURLs is redactURLs, for its test.
var RedactURLs = redactURLs

// ID is the instance ID the bus puts in its messages.
func (b *NATSBus) ID() string { return b.id }
