package main

import "parley/internal/importer"

// importParsers returns the parsers of other systems' exports by the
// format name that `parley import` takes.
func importParsers() map[string]importer.Parser {
	return map[string]importer.Parser{}
}
