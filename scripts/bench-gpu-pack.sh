#!/usr/bin/env bash
# Prepares the device bench for the accelerator machine (run here, from the project root): builds, writes the tiled
# qwen-vocab model (same shapes and cost as the random one, compressible), and packs what the machine lacks with
# ../shared/tools/gpu/pack.sh plus the model (.device/qwen-vocab.tar.xz). Then, with the device tool:
#   carry: [".device", "dist"]   command: bash .device/on-device.sh bash scripts/bench-on-device.sh webgpu
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
M=${ENDORM_GPU_MODELS:-/tmp/endorm-gpu-models}
[ -d node_modules ] || ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
npm run build
[ -f "$M/qwen-vocab/onnx/model.onnx" ] || /usr/bin/python3 ../shared/tools/random-llama/make.py qwen-vocab "$M/qwen-vocab" --tiled
bash ../shared/tools/gpu/pack.sh datasets/rm-bench
tar -cJf .device/qwen-vocab.tar.xz -C "$M" qwen-vocab
du -sh .device dist | awk '{print "bench-gpu-pack: " $2 " is " $1}'
