// Package layering holds no code: its test keeps Dossier's imports pointing one
// way (cmd -> server, indexer -> internal), as DESIGN.md lays out.
package layering
