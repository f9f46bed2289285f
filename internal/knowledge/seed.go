package knowledge

import _ "embed"

// SeedFile is the network's starting library: 30 practices of Indonesian
// and Japanese governments in three languages (seed/README.md says where
// they come from). `serve --demo` imports it.
//
//go:embed seed/practices.jsonl
var SeedFile []byte
