#!/usr/bin/env bash
# Copies the built files of the npm packages the pages use into static/vendor (served by Flask).
set -euo pipefail
cd "$(dirname "$0")/.."
V=static/vendor
rm -rf "$V" && mkdir -p "$V/bootstrap" "$V/bootstrap-icons" "$V/chartjs" "$V/htmx"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$V/bootstrap/"
cp node_modules/bootstrap/dist/css/bootstrap.min.css.map "$V/bootstrap/" 2>/dev/null || true
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$V/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$V/bootstrap-icons/"
cp -r node_modules/bootstrap-icons/font/fonts "$V/bootstrap-icons/"
cp node_modules/chart.js/dist/chart.umd.min.js "$V/chartjs/" 2>/dev/null || cp node_modules/chart.js/dist/chart.umd.js "$V/chartjs/chart.umd.min.js"
cp node_modules/htmx.org/dist/htmx.min.js "$V/htmx/"
