#!/usr/bin/env bash
# Export the latest checkpoint, evaluate it and verify the exported model in both JS runtimes.
# Also usable mid-training to ship the newest checkpoint (INFILL_LIMIT=200 for a faster partial eval).
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 train/export_onnx.py 2>&1 | grep -v -i warn
/usr/bin/python3 train/evaluate.py --infill-limit "${INFILL_LIMIT:-0}"
node train/verify.mjs
