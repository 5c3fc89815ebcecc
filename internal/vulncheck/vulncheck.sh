#!/usr/bin/env bash
# govulncheck over Dossier without reaching vuln.go.dev: the Go vulnerability
# database is built from golang.org/x/vulndb, which the Go module proxy serves
# like any module (its data/osv folder holds the OSV reports), and govulncheck
# reads it from a file: URL. See doc.go.
#
#   internal/vulncheck/vulncheck.sh [VULNDB_VERSION]
#
# Run from anywhere inside the repository, with the toolchain the README names
# (GOTOOLCHAIN). Exits 0 when nothing is found and non-zero when a
# vulnerability reaches the code (govulncheck's 3, which go run reports as 1).
set -euo pipefail
# The toolchain the README names, unless the caller chose one.
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"

vulndb=golang.org/x/vulndb@${1:-v0.0.0-20261105234957-e22db6528018}
govulncheck=golang.org/x/vuln/cmd/govulncheck@v1.9.0

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

osv=$(cd "$work" && go mod download -json "$vulndb" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')/data/osv
echo "vulncheck: building the database from $vulndb ($(ls "$osv" | wc -l) reports)" >&2
(cd "$work" && GOFLAGS=-mod=mod go run "golang.org/x/vulndb/cmd/indexdb@${vulndb#*@}" -vulns "$osv" -out "$work/db")
cd "$repo"
go run "$govulncheck" -db "file://$work/db" ./...
