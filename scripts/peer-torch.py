#!/usr/bin/env python3
"""The PyTorch peer of endorm's device bench: Hugging Face transformers' LlamaForCausalLM built from a model folder's
config.json (random weights: speed does not depend on them), run on the bench's token sequences, with a log-softmax of
the logits and a gather of the scored positions' targets, as a PyTorch reward-model script would score them.

  python3 scripts/peer-torch.py --model DIR --inputs inputs.json [--dtypes fp32,bf16] [--device cuda|cpu]
                                [--batch-size 16] [--max-batch-tokens 8192] [--fallback-llama ../shared/tools/random-llama]

Prints one JSON line per dtype: {"peer", "device", "dtype", "seconds", "tokens", "checksum"}, or one line
{"skipped": "why"} when python3 lacks torch, transformers or (for --device cuda) CUDA, and exits 0 either way.
--fallback-llama DIR uses DIR/llama.py (the random-llama tools' own torch Llama, same architecture) where transformers
is missing, labelled as such: it exercises this script's timing path on machines without transformers; its numbers are
not the transformers peer's.
"""
import argparse, json, math, os, sys, time


def skip(reason):
    print(json.dumps({"skipped": reason}))
    sys.exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--dtypes", default="fp32,bf16")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-batch-tokens", type=int, default=8192)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--fallback-llama", default=None)
    a = ap.parse_args()

    try:
        import torch
    except ImportError:
        skip(f"python3 ({sys.executable}) has no torch")
    if a.threads:
        torch.set_num_threads(a.threads)
    if a.device == "cuda" and not torch.cuda.is_available():
        skip(f"torch {torch.__version__} sees no CUDA device")
    cfg = json.load(open(os.path.join(a.model, "config.json")))
    build, peer = None, None
    try:
        import transformers
        from transformers import LlamaConfig, LlamaForCausalLM

        def build(dtype):
            conf = LlamaConfig(**{k: v for k, v in cfg.items() if k not in ("architectures", "torch_dtype")})
            conf._attn_implementation = "sdpa"
            return LlamaForCausalLM(conf).to(dtype=dtype)

        peer = f"transformers {transformers.__version__} LlamaForCausalLM, torch {torch.__version__}"
    except ImportError:
        if not a.fallback_llama:
            skip(f"python3 ({sys.executable}) has torch {torch.__version__} but no transformers")
        sys.path.insert(0, a.fallback_llama)
        import llama

        def build(dtype):
            keys = ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads")
            return llama.build(llama.Cfg(**{k: cfg[k] for k in keys})).to(dtype=dtype)

        peer = f"random-llama llama.py (not transformers: absent here), torch {torch.__version__}"

    inputs = json.load(open(a.inputs))
    seqs = []
    for r in inputs["records"]:
        for resp in r["responses"]:
            seqs.append((r["prompt"] + resp, len(r["prompt"])))
    batches = pack(seqs, a.batch_size, a.max_batch_tokens)
    tokens = sum(len(ids) for ids, _ in seqs)
    device = torch.device(a.device)
    for name in a.dtypes.split(","):
        dtype = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[name]
        if not peer.startswith("transformers") and name != "fp32":
            print(json.dumps({"skipped": f"{name}: the fallback llama.py computes its attention mask in float32 only"}), flush=True)
            continue
        model = build(dtype).to(device).eval()
        run = lambda: score(torch, model, batches, device, cfg, fallback=not peer.startswith("transformers"))
        with torch.no_grad():
            if device.type == "cuda":
                run()  # warm-up: kernels chosen, memory pools filled (on the CPU it would only double a slow run)
                sync(torch, device)
            t = time.perf_counter()
            checksum = run()
            sync(torch, device)
            seconds = time.perf_counter() - t
        print(json.dumps({"peer": peer, "device": a.device, "dtype": name, "seconds": seconds, "tokens": tokens, "checksum": checksum}), flush=True)
        del model
        if a.device == "cuda":
            torch.cuda.empty_cache()


def pack(seqs, batch_size, max_tokens):
    """Sorted by length and cut under the row and padded-token budgets, as endorm packs its batches."""
    order = sorted(seqs, key=lambda s: len(s[0]))
    batches, cur = [], []
    for s in order:
        longest = max([len(x[0]) for x in cur] + [len(s[0])])
        if cur and (len(cur) + 1 > batch_size or (len(cur) + 1) * longest > max_tokens):
            batches.append(cur)
            cur = []
        cur.append(s)
    if cur:
        batches.append(cur)
    return batches


def score(torch, model, batches, device, cfg, fallback):
    """Σ over scored positions of logsumexp of the logits (log-softmax + gather of each position's target)."""
    total = 0.0
    for batch in batches:
        S = max(len(ids) for ids, _ in batch)
        ids = torch.zeros(len(batch), S, dtype=torch.long)
        mask = torch.zeros(len(batch), S, dtype=torch.long)
        for b, (seq, _) in enumerate(batch):
            ids[b, : len(seq)] = torch.tensor(seq)
            mask[b, : len(seq)] = 1
        ids, mask = ids.to(device), mask.to(device)
        if fallback:
            import llama
            pos = torch.arange(S, device=device)[None].expand(len(batch), S)
            past = [p.to(device=device, dtype=next(model.parameters()).dtype) for p in llama.empty_past(model.c, len(batch))]
            logits = model(ids, mask, pos, *past)[0]
        else:
            logits = model(input_ids=ids, attention_mask=mask).logits
        logp = torch.log_softmax(logits.float(), dim=-1)
        # target of position p is the next token; the chosen logit minus log π gives logsumexp, as endorm returns it
        targets = torch.roll(ids, -1, dims=1)[..., None]
        lse = torch.gather(logits.float(), -1, targets) - torch.gather(logp, -1, targets)
        for b, (seq, start) in enumerate(batch):
            total += float(lse[b, start - 1 : len(seq), 0].double().sum())
    return total


def sync(torch, device):
    if device.type == "cuda":
        torch.cuda.synchronize()


if __name__ == "__main__":
    main()
