#!/usr/bin/env bash
# What the running office needs from the machine, installed if missing (as root, with apt-get):
# the Noto fonts (every PDF is drawn with them), poppler (pdftotext, pdftoppm) and Tesseract
# with its Hindi and English models (files reads the words of every stored PDF, OCR for scans).
# `make run` and `make test` both start here; RabbitMQ is tools/office.py's to check.
set -euo pipefail

need=()
[ -d /usr/share/fonts/truetype/noto ] || need+=(fonts-noto-core)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v tesseract >/dev/null || need+=(tesseract-ocr)
[ -f /usr/share/tesseract-ocr/5/tessdata/hin.traineddata ] || need+=(tesseract-ocr-hin)
[ -f /usr/share/tesseract-ocr/5/tessdata/eng.traineddata ] || need+=(tesseract-ocr-eng)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "Missing system packages: ${need[*]}. Install them: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "Installing ${need[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
