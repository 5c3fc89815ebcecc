#!/bin/sh
# Rebuild every PDF in corpus/pdf/ from its source in corpus/sources/.
#   *.fodt     flat OpenDocument text  -> LibreOffice headless (writer_pdf_Export)
#   *.htmlsrc  HTML with inline styles -> Chromium headless print-to-PDF
# Run from anywhere: sh corpus/sources/make-pdfs.sh
# Needs: soffice (LibreOffice 7.x), chromium, fonts-liberation, fonts-dejavu.
# The PDFs' creation dates are those of the build; the document dates are in the text.
set -eu
cd "$(dirname "$0")"
out=../pdf
mkdir -p "$out"

for src in *.fodt; do
	[ -e "$src" ] || continue
	soffice --headless --convert-to pdf --outdir "$out" "$src"
done

out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for src in *.htmlsrc; do
	[ -e "$src" ] || continue
	name=${src%.htmlsrc}
	cp "$src" "$tmp/$name.html"
	rm -f "$out/$name.pdf"
	# Headless Chromium now and then exits without writing the file: try up to 3 times.
	for try in 1 2 3; do
		chromium --headless --no-sandbox --disable-gpu --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$(mktemp -d -p "$tmp")" --no-pdf-header-footer \
			--print-to-pdf="$out/$name.pdf" "file://$tmp/$name.html" 2>/dev/null || true
		[ -s "$out/$name.pdf" ] && break
	done
	[ -s "$out/$name.pdf" ] || { echo "chromium failed for $src" >&2; exit 1; }
done
