package realtime

// EventSubject is eventSubject, for the tests of subject encoding.
var EventSubject = eventSubject

// RedactURLs is redactURLs, for its test.
var RedactURLs = redactURLs
