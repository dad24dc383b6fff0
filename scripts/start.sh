#!/usr/bin/env bash
# Command 1: install what is missing, build the PWA, the office app and the server, and start the
# server with an embedded SQLite database, a local photo folder and demo data on
# http://127.0.0.1:8080 (the office app on http://127.0.0.1:8080/office/).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/install.sh"
cd "$ROOT"

check_disk 6
install_build_tools

step "Building the field PWA and the office app (release)"
trunk build index.html --release
(cd office && trunk build index.html --release)
node tools/size-report.mjs dist dist-office

step "Building the server (release)"
cargo build --release --locked -p fieldbook-server

step "Starting Fieldbook"
exec target/release/fieldbook-server serve --demo --demo-last-month --demo-yesterday \
  --addr "${FIELDBOOK_ADDR:-127.0.0.1:8080}" --data-dir "${FIELDBOOK_DATA:-.fieldbook}" \
  --dist dist --office-dist dist-office
