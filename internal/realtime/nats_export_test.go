package realtime

// EventSubject is eventSubject, for the tests of subject encoding.
var EventSubject = eventSubject
