#!/usr/bin/env bash
# Rebuild the default model end to end: corpus -> tokenizer -> FIM token stream -> training (wall-clock
# budget, default 112 min on 2 CPU threads) -> ONNX export -> held-out evaluation -> runtime checks.
# usage: bash models/train.sh            (MINUTES=30 bash models/train.sh for a shorter run)
# Needs Debian python3-torch python3-onnx python3-regex libopenblas0-pthread, and node_modules.
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
MINUTES=${MINUTES:-112}
T=train
$PY $T/build_corpus.py
$PY $T/train_tokenizer.py --vocab-size 4096 --model-max-length 512
$PY $T/dump_token_ids.py corpus/token_ids_sample.json
node $T/verify_tokenizer.mjs corpus/token_ids_sample.json
$PY $T/prepare_data.py --fim-rate 0.5
rm -rf checkpoints
$PY $T/train.py --minutes "$MINUTES" --hidden 256 --layers 4 --heads 4 --kv-heads 2 --intermediate 688 \
  --ctx 512 --batch 8 --lr 3e-3 2>&1 | tee train.log
bash $T/finish.sh
