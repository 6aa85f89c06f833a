#!/bin/sh
# Rebuilds the sample sheet: the PDF, the same sheet as HTML, and a PNG of each PDF page
# (pdftoppm, from poppler-utils). Run from the repository's root: sh docs/sample-sheet/make.sh
set -e
here=docs/sample-sheet
uv run hamstring-care print foam-roller-and-ball hamstring-stretch \
    --patient "Jane Doe" --clinician "A. Smith" --clinic "Riverside Physio" \
    --clinic-phone "020 7946 0000" --clinic-address "12 River Street, Kingston KT1 1AA" \
    --next-appointment "Tue 1 Dec, 10:30" --emergency-number 999 \
    --notes "Start gently; stop if the pain goes past 4 out of 10." \
    --side right --times-per-day 2 --date 2026-11-23 --force -o "$here/sheet.pdf"
uv run hamstring-care print foam-roller-and-ball hamstring-stretch \
    --patient "Jane Doe" --clinician "A. Smith" --clinic "Riverside Physio" \
    --clinic-phone "020 7946 0000" --clinic-address "12 River Street, Kingston KT1 1AA" \
    --next-appointment "Tue 1 Dec, 10:30" --emergency-number 999 \
    --notes "Start gently; stop if the pain goes past 4 out of 10." \
    --side right --times-per-day 2 --date 2026-11-23 --force -o "$here/sheet.html"
rm -f "$here"/page-*.png "$here"/program-page-*.png
pdftoppm -r 100 -png "$here/sheet.pdf" "$here/page"
# The program sheet: back to running from a plan (a later stage, a stricter pain limit), with
# the routines its stages play and its check-in record.
uv run hamstring-care print --plan "$here/program-plan.yaml" --force -o "$here/program.pdf"
uv run hamstring-care print --plan "$here/program-plan.yaml" --force -o "$here/program.html"
pdftoppm -r 100 -png "$here/program.pdf" "$here/program-page"
