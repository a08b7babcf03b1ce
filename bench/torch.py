"""The PyTorch column of the tapegrad benchmark (spawned by bench/torch.ts; not part of any product).

Usage: python3 bench/torch.py '<config json>'
The config is bench/config.ts's BenchConfig plus {"digitsFiles": {"images", "labels"} | null,
"skip": [row ids]}. Prints one JSON object on stdout: {"figures": {row id: number | null},
"info": {...}}; progress goes to stderr. Timing mirrors bench/timing.ts: warm-up calls, calls batched
until one sample lasts minSampleMs, median of reps samples, on the wall clock or (config "clock":
"cpu") the process CPU time. Single-threaded: torch.set_num_threads(1),
and the caller sets OMP/OPENBLAS/MKL_NUM_THREADS=1.
"""
import json
import math
import os
import re
import sys
import time

# This file is named torch.py and Python puts its folder first on sys.path, where it would shadow the
# real package: drop that entry before importing torch.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def log(msg):
    print(msg, file=sys.stderr, flush=True)


CLOCK = time.perf_counter  # or time.process_time under --clock cpu (set in main)


def time_it(fn, opts):
    for _ in range(opts["warmup"]):
        fn()
    calls = 1
    while True:
        t0 = CLOCK()
        for _ in range(calls):
            fn()
        dt = (CLOCK() - t0) * 1e3
        if dt >= opts["minSampleMs"] or calls >= 1 << 20:
            break
        calls = min(1 << 20, max(calls * 2, math.ceil(calls * opts["minSampleMs"] / max(dt, 1e-3))))
    samples = []
    for _ in range(opts["reps"]):
        t0 = CLOCK()
        for _ in range(calls):
            fn()
        samples.append((CLOCK() - t0) / calls)
    samples.sort()
    m = len(samples) // 2
    return samples[m] if len(samples) % 2 == 1 else (samples[m - 1] + samples[m]) / 2


def matmul_rows(cfg):
    n = cfg["matmulN"]
    g = torch.Generator().manual_seed(1)
    a = torch.randn(n, n, generator=g)
    b = torch.randn(n, n, generator=g)
    flops = 2 * n ** 3
    out = {}
    with torch.no_grad():
        for key, fn in (("matmul_ab", lambda: a @ b), ("matmul_atb", lambda: a.t() @ b), ("matmul_abt", lambda: a @ b.t())):
            out[key] = flops / time_it(fn, cfg["matmulTiming"]) / 1e9
            log(f"  pytorch {key}: {out[key]:.2f} GFLOP/s")
    return out


def make_mlp(cfg):
    m = cfg["mlp"]
    return nn.Sequential(nn.Linear(m["inF"], m["hidden"]), nn.ReLU(), nn.Linear(m["hidden"], m["classes"]))


def make_cnn(cfg):
    """The LeNet of cfg["cnn"] (issue 12): Conv2d(prev, c, 3, padding=1), ReLU, MaxPool2d(2) per channel count."""
    c = cfg["cnn"]
    layers, prev, side = [], 1, c["side"]
    for ch in c["channels"]:
        layers += [nn.Conv2d(prev, ch, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        prev, side = ch, side // 2
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(prev * side * side, c["classes"]))


def cnn_step_row(cfg, batch):
    torch.manual_seed(2)
    model = make_cnn(cfg)
    opt = torch.optim.SGD(model.parameters(), lr=cfg["cnn"]["lr"])
    x = torch.rand(batch, 1, cfg["cnn"]["side"], cfg["cnn"]["side"])
    y = torch.randint(0, cfg["cnn"]["classes"], (batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return time_it(step, cfg["cnnStepTiming"]) * 1e3


def step_row(cfg, batch):
    torch.manual_seed(2)
    model = make_mlp(cfg)
    opt = torch.optim.SGD(model.parameters(), lr=cfg["mlp"]["lr"])
    x = torch.rand(batch, cfg["mlp"]["inF"])
    y = torch.randint(0, cfg["mlp"]["classes"], (batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return time_it(step, cfg["stepTiming"]) * 1e3


def tiny_row(cfg):
    x = torch.tensor([1.5], requires_grad=True)
    half = cfg["tinyChain"] // 2

    def chain():
        y = x
        for _ in range(half):
            y = y.mul(1.0001).add(0.5)
        x.grad = None
        y.backward()

    return time_it(chain, cfg["tinyTiming"]) / cfg["tinyChain"] * 1e6


def digits_job(cfg, files, net="mlp"):
    import numpy as np

    job = cfg["digits"]
    n, nt = job["trainSize"], job["testSize"]
    images = torch.from_numpy(np.fromfile(files["images"], dtype="<f4").reshape(-1, 784).copy())
    if net == "cnn":
        images = images.reshape(-1, 1, cfg["cnn"]["side"], cfg["cnn"]["side"])
    labels = torch.from_numpy(np.fromfile(files["labels"], dtype="<i4").astype(np.int64))
    train_x, train_y = images[:n], labels[:n]
    test_x, test_y = images[n:n + nt], labels[n:n + nt]
    torch.manual_seed(job["seed"])
    g = torch.Generator().manual_seed(job["seed"])
    t0 = CLOCK()
    model = make_cnn(cfg) if net == "cnn" else make_mlp(cfg)
    opt = torch.optim.SGD(model.parameters(), lr=job["lr"], momentum=job["momentum"])
    bs = job["batchSize"]
    accuracy = 0.0
    for epoch in range(job["epochs"]):
        # Batches by indexing with a fresh permutation: what DataLoader(shuffle=True) yields, without its
        # per-item collate (the fast path, like tapegrad's DataLoader over a TensorDataset).
        perm = torch.randperm(n, generator=g)
        for s in range(0, n, bs):
            idx = perm[s:s + bs]
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(train_x[idx]), train_y[idx]).backward()
            opt.step()
        with torch.no_grad():
            accuracy = model(test_x).argmax(1).eq(test_y).float().mean().item() * 100
        log(f"  pytorch {'CNN ' if net == 'cnn' else ''}digits epoch {epoch + 1}/{job['epochs']}: test accuracy {accuracy:.2f}%")
    return CLOCK() - t0, accuracy


# recurrent (issue 13)
def lstm_step_row(cfg):
    c = cfg["lstm"]
    torch.manual_seed(5)
    lstm, fc = nn.LSTM(c["input"], c["hidden"]), nn.Linear(c["hidden"], c["classes"])
    opt = torch.optim.SGD(list(lstm.parameters()) + list(fc.parameters()), lr=c["lr"])
    x = torch.randn(c["seq"], c["batch"], c["input"])
    y = torch.randint(0, c["classes"], (c["batch"],))

    def step():
        opt.zero_grad(set_to_none=True)
        out, _ = lstm(x)
        F.cross_entropy(fc(out[-1]), y).backward()
        opt.step()

    return time_it(step, cfg["stepTiming"]) * 1e3
# attention (issue 13)
def transformer_row(cfg):
    """nn.TransformerEncoderLayer(batch_first, post-norm, ReLU, no dropout), MSE loss, SGD: one training step."""
    c = cfg["transformer"]
    torch.manual_seed(4)
    layer = nn.TransformerEncoderLayer(c["dModel"], c["nhead"], c["dimFeedforward"], dropout=0.0, batch_first=True)
    opt = torch.optim.SGD(layer.parameters(), lr=c["lr"])
    x = torch.randn(c["batch"], c["seq"], c["dModel"])
    target = torch.randn(c["batch"], c["seq"], c["dModel"])

    def step():
        opt.zero_grad(set_to_none=True)
        F.mse_loss(layer(x), target).backward()
        opt.step()

    return time_it(step, cfg["transformerTiming"]) * 1e3


def blas_info():
    """What torch was built with, and the BLAS/LAPACK shared objects actually mapped into this process."""
    a = torch.randn(64, 64)
    _ = a @ a  # make sure the BLAS is loaded and initialised
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                low = path.lower()
                if any(k in low for k in ("blas", "lapack", "mkl", "atlas", "blis")):
                    libs.add(path)
    except OSError:
        pass
    build = torch.__config__.show()
    blas_build = [f"{k}={v}" for k, v in re.findall(r"\b(BLAS_INFO|LAPACK_INFO)=([^,\s]+)", build)]
    return {
        "torchVersion": torch.__version__,
        "threads": str(torch.get_num_threads()),
        "blasBuild": "; ".join(blas_build),
        "blasLoaded": "; ".join(sorted(libs)) or "(none found in /proc/self/maps)",
        "mkldnn": str(torch.backends.mkldnn.is_available()),
        "cpuCapability": next((l.split(":", 1)[1].strip() for l in build.splitlines() if "CPU capability" in l), "?"),
    }


def conv_row(cfg):
    c = cfg["conv"]
    g = torch.Generator().manual_seed(5)
    x = torch.randn(c["batch"], c["inC"], c["size"], c["size"], generator=g)
    w = torch.randn(c["outC"], c["inC"], c["kernel"], c["kernel"], generator=g)
    b = torch.randn(c["outC"], generator=g)
    flops = 2 * c["batch"] * c["outC"] * c["inC"] * c["kernel"] ** 2 * c["size"] ** 2
    with torch.no_grad():
        return flops / time_it(lambda: F.conv2d(x, w, b, padding=c["kernel"] // 2), cfg["convTiming"]) / 1e9


def main():
    global CLOCK
    cfg = json.loads(sys.argv[1])
    # process_time: user + system CPU time of the process, like process.cpuUsage() on the Node side.
    CLOCK = time.process_time if cfg.get("clock") == "cpu" else time.perf_counter
    skip = set(cfg.get("skip", []))
    torch.set_num_threads(1)
    info = blas_info()
    log(f"pytorch {info['torchVersion']} (threads {info['threads']}, BLAS {info['blasLoaded']})")
    figures = {}
    figures.update({k: v for k, v in matmul_rows(cfg).items() if k not in skip})
    figures["step_b64"] = step_row(cfg, 64)
    figures["step_b256"] = step_row(cfg, 256)
    log(f"  pytorch step: {figures['step_b64']:.3f} ms (b64), {figures['step_b256']:.3f} ms (b256)")
    figures["tiny_op"] = tiny_row(cfg)
    log(f"  pytorch tiny op: {figures['tiny_op']:.2f} µs/op")
    figures["conv2d_fwd"] = conv_row(cfg) if "conv2d_fwd" not in skip else None
    figures["conv2d_gemm"] = None
    log(f"  pytorch conv2d: {figures['conv2d_fwd'] or 0:.2f} GFLOP/s")
    figures["lstm_step"] = lstm_step_row(cfg)  # recurrent (issue 13)
    log(f"  pytorch lstm step: {figures['lstm_step']:.3f} ms")
    # attention (issue 13)
    if "transformer_step" not in skip:
        figures["transformer_step"] = transformer_row(cfg)
        log(f"  pytorch transformer encoder layer step: {figures['transformer_step']:.2f} ms")
    files = cfg.get("digitsFiles")
    if files and "digits_wall" not in skip:
        secs, acc = digits_job(cfg, files)
        figures["digits_wall"], figures["digits_acc"] = secs, acc
    else:
        figures["digits_wall"] = figures["digits_acc"] = None
    # LeNet rows (issue 12)
    for b in (32, 128):
        figures[f"cnn_step_b{b}"] = cnn_step_row(cfg, b) if f"cnn_step_b{b}" not in skip else None
    log(f"  pytorch LeNet step: {figures['cnn_step_b32'] or 0:.3f} ms (b32), {figures['cnn_step_b128'] or 0:.3f} ms (b128)")
    if files and "cnn_digits_wall" not in skip:
        figures["cnn_digits_wall"], figures["cnn_digits_acc"] = digits_job(cfg, files, "cnn")
    else:
        figures["cnn_digits_wall"] = figures["cnn_digits_acc"] = None
    print(json.dumps({"figures": figures, "info": info}))


if __name__ == "__main__":
    main()
