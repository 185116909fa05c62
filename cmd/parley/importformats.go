package main

import (
	"parley/internal/importer"
	"parley/internal/importer/commento"
	"parley/internal/importer/coral"
	"parley/internal/importer/disqus"
	"parley/internal/importer/remark42"
	"parley/internal/importer/wordpress"
)

// importParsers returns the parsers of other systems' exports by the
// format name that `parley import` takes.
func importParsers() map[string]importer.Parser {
	return map[string]importer.Parser{
		"commento":  commento.Parse,
		"coral":     coral.Parse,
		"disqus":    disqus.Parse,
		"remark42":  remark42.Parse,
		"wordpress": wordpress.Parse,
	}
}
