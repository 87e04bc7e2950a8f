#!/usr/bin/env bash
# On the accelerator machine, run through ../shared/tools/gpu/on-device.sh (see bench-gpu-pack.sh): unpacks the bench
# model once and runs the device bench. Usage: bash scripts/bench-on-device.sh [DEVICE=webgpu] [bench options...]
set -euo pipefail
M=/tmp/endorm-gpu-models
[ -f "$M/qwen-vocab/onnx/model.onnx" ] || { mkdir -p "$M" && tar -xJf .device/qwen-vocab.tar.xz -C "$M"; }
DEVICE=${1:-webgpu}
[ $# -gt 0 ] && shift
ENDORM_BENCH_MODELS=$M exec node scripts/bench.mjs --device "$DEVICE" --models qwen-vocab --profile "$@"
