// Package loadtest holds Dossier's load test: loadtest.sh, a bash script that
// measures `dossier serve` over HTTP on loopback, and the two small programs it
// builds (cmd/gencorpus, cmd/slowheaders). There is no Go code in this package
// itself; it is a package so that the folder is documented like every other.
//
// The script, run from the repository as
//
//	internal/loadtest/loadtest.sh --docs 50000
//
// does, in order:
//
//  1. installs wrk from Debian's packages when it is missing (apt-get, as root)
//     and builds dossier, gencorpus and slowheaders into the work folder;
//  2. writes --docs documents of the deterministic synthetic corpus
//     (internal/corpusgen, seed 1: UN-style press releases and reports, mostly
//     text, some HTML, a few PDF) and indexes them with `dossier index`;
//  3. starts `dossier serve --addr 127.0.0.1:0` and reads the port it got;
//  4. runs wrk (2 threads, 16 connections, --duration, default 20 s) three
//     times with queries.lua: plain queries (one or two words), faceted queries
//     (a word with country and year, organization and country, or resolution
//     and a date range) and the HTML search page for a phrase, whose snippets
//     are highlighted. Every request draws its query at random from tens of
//     thousands of combinations, so no cache answers repeats;
//  5. runs the same three while `dossier index` hands --new-docs documents
//     nobody has indexed yet to the server (POST /api/index), a new folder
//     before each run, and records how long each job took;
//  6. runs the plain queries while slowheaders holds --slow connections
//     that send one header byte a second, and records when the server cut
//     them off (its ReadHeaderTimeout);
//  7. prints p50/p95/p99 latency, requests per second and errors (connection
//     errors, timeouts and non-2xx answers) of each run, and the server's
//     peak resident memory (VmHWM of /proc/PID/status) after the idle runs,
//     after the indexing runs and at the end, and stops the server.
//
// Everything listens on 127.0.0.1 and stops by itself: wrk runs are bounded by
// --duration, indexing jobs by timeouts, and the server is stopped when the
// script exits, however it exits. The work folder is a temporary one, removed
// at the end, unless --dir names one (or --keep); a kept folder with an index of
// the same --docs is reused, so a second run skips generating and indexing.
// Results are one JSON object a line in results.jsonl in the work folder.
//
// The rate limit does not apply: wrk connects from loopback, which the server
// exempts by default (server.Limits.LimitLoopback).
package loadtest
