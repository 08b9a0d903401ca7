#!/usr/bin/env python3
"""safetensors interop between PyTorch and actigrad (issue 15), both ways.

The `safetensors` Python package is not installed here (and there is no PyPI), so this script
reads and writes the format itself with struct, json and numpy, following the specification
(https://github.com/huggingface/safetensors, README "Format") and the reference writer's
layout: 8-byte little-endian header length N; N bytes of compact UTF-8 JSON with
`__metadata__` first, then the tensors sorted as the reference sorts them (by dtype, largest
alignment first, then by name), padded with spaces to a multiple of 8; then the raw
little-endian data, contiguous. It shares no code with src/io/safetensors.ts: an independent
writer and reader.

    apt-get install -y python3-torch          # Debian's PyTorch

    /usr/bin/python3 scripts/torch-safetensors.py write
        Writes test/fixtures/torch-*.safetensors (commit them): PyTorch twins of actigrad models,
        their state dicts in the file and, in `__metadata__`, an input and PyTorch's output for it
        (JSON text), which test/safetensors.test.ts compares with actigrad's output after
        `model.loadStateDict(safetensors.load(file))`:
          torch-mlp-f32.safetensors  Sequential(Linear(4, 8), Tanh(), Linear(8, 3)), float32
          torch-mlp-f64.safetensors  the same in float64
          torch-bn-f32.safetensors   Sequential(Linear(4, 8), BatchNorm1d(8), Tanh(), Linear(8, 3)),
                                     float32, after three train() steps: running stats and an
                                     int64 0-d num_batches_tracked (I64) = 3; output in eval()

    /usr/bin/python3 scripts/torch-safetensors.py check MANIFEST.json
        Reads files actigrad wrote (test/safetensors.test.ts runs this when /usr/bin/python3 has
        torch). MANIFEST: {"cases": [{"file", "kind": "mlp"|"bn"|"raw", "dtype", "state",
        "input", "inputShape", "output"}]}, `state` being actigrad's state dict as JSON with
        "-0", "NaN", "Infinity", "-Infinity" as strings. For each file: checks the layout
        (length, padding, JSON, offsets tiling the data, alignment), compares every tensor with
        `state` bit for bit, and for "mlp"/"bn" loads the tensors into the PyTorch twin
        (load_state_dict, strict) and compares its eval() output with actigrad's `output`.
        Prints a JSON report; exits 1 on any mismatch.
"""

import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

FIXTURES = Path(__file__).resolve().parent.parent / "test" / "fixtures"

# Reference dtype order (increasing alignment), used to sort tensors when writing.
DTYPE_RANK = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
TORCH_TO_ST = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32"}
ST_TO_NUMPY = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4"}
ST_TO_TORCH = {v: k for k, v in TORCH_TO_ST.items()}


# ——————————————————————————————————————— writing ———————————————————————————————————————


def write_safetensors(path, tensors, metadata):
    """tensors: name → torch tensor (contiguous, CPU). metadata: str → str."""
    items = sorted(tensors.items(), key=lambda kv: (-DTYPE_RANK.index(TORCH_TO_ST[kv[1].dtype]), kv[0]))
    header = {"__metadata__": metadata}
    chunks = []
    offset = 0
    for name, t in items:
        raw = t.detach().contiguous().numpy().astype(ST_TO_NUMPY[TORCH_TO_ST[t.dtype]], copy=False).tobytes()
        header[name] = {"dtype": TORCH_TO_ST[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        chunks.append(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def flat(x):
    return [float(v) for v in x.detach().reshape(-1).tolist()]


def mlp(dtype):
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)).to(dtype)


def bn_model(dtype):
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 3)).to(dtype)


def fixture(name, model, dtype, x, note):
    model.eval()
    with torch.no_grad():
        y = model(x)
    meta = {
        "format": "pt",
        "writer": "scripts/torch-safetensors.py (struct + json, no safetensors package)",
        "torch": torch.__version__,
        "model": " ".join(str(model).split()),
        "note": note,
        "input_shape": json.dumps(list(x.shape)),
        "input": json.dumps(flat(x)),
        "output": json.dumps(flat(y)),
    }
    write_safetensors(FIXTURES / name, model.state_dict(), meta)
    print(f"wrote {FIXTURES / name} ({(FIXTURES / name).stat().st_size} bytes)")


def write():
    torch.manual_seed(15)
    x32 = torch.randn(5, 4, dtype=torch.float32) * 2
    fixture("torch-mlp-f32.safetensors", mlp(torch.float32), torch.float32, x32, "float32 weights, eval() output")
    torch.manual_seed(16)
    x64 = torch.randn(5, 4, dtype=torch.float64) * 2
    fixture("torch-mlp-f64.safetensors", mlp(torch.float64), torch.float64, x64, "float64 weights, eval() output")
    torch.manual_seed(17)
    model = bn_model(torch.float32)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(6, 4) * 1.5 + 0.5)
    # Non-trivial affine parameters too.
    with torch.no_grad():
        model[1].weight.copy_(torch.rand(8) + 0.5)
        model[1].bias.copy_(torch.randn(8) * 0.3)
    assert model[1].num_batches_tracked.dtype == torch.int64 and int(model[1].num_batches_tracked) == 3
    xbn = torch.randn(5, 4, dtype=torch.float32)
    fixture("torch-bn-f32.safetensors", model, torch.float32, xbn, "three train() steps, then eval() output")


# ——————————————————————————————————————— checking ———————————————————————————————————————


class Mismatch(Exception):
    pass


def read_safetensors(path):
    """An independent reader: checks the layout strictly, returns (header, name → numpy array)."""
    b = Path(path).read_bytes()
    if len(b) < 8:
        raise Mismatch("file shorter than 8 bytes")
    (n,) = struct.unpack("<Q", b[:8])
    if n > 100_000_000 or 8 + n > len(b):
        raise Mismatch(f"bad header length {n}")
    if n % 8 != 0:
        raise Mismatch(f"header length {n} is not a multiple of 8")
    raw = b[8 : 8 + n]
    text = raw.decode("utf-8")
    if not text.startswith("{"):
        raise Mismatch("header does not start with {")
    stripped = text.rstrip(" ")
    if len(raw) - len(stripped.encode("utf-8")) >= 8:
        raise Mismatch("more than 7 bytes of padding")
    if not stripped.endswith("}"):
        raise Mismatch("padding is not spaces after the JSON")

    def no_dupes(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise Mismatch(f"repeated key in {keys}")
        return dict(pairs)

    header = json.loads(stripped, object_pairs_hook=no_dupes)
    if json.dumps(header, separators=(",", ":"), ensure_ascii=False) != stripped:
        raise Mismatch("header JSON is not compact (as the reference writes it)")
    keys = list(header)
    if "__metadata__" in header:
        if keys[0] != "__metadata__":
            raise Mismatch("__metadata__ is not the first key")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in header["__metadata__"].items()):
            raise Mismatch("__metadata__ values must be strings")
    data = b[8 + n :]
    at = 0
    out = {}
    for name in [k for k in keys if k != "__metadata__"]:
        info = header[name]
        if sorted(info) != ["data_offsets", "dtype", "shape"]:
            raise Mismatch(f"{name}: fields {sorted(info)}")
        begin, end = info["data_offsets"]
        if begin != at:
            raise Mismatch(f"{name}: begins at {begin}, expected {at} (tensors out of order, overlapping or with a gap)")
        size = np.dtype(ST_TO_NUMPY[info["dtype"]]).itemsize
        if (8 + n + begin) % size != 0:
            raise Mismatch(f"{name}: not aligned to {size} bytes")
        if end - begin != math.prod(info["shape"]) * size or end > len(data):
            raise Mismatch(f"{name}: offsets {begin},{end} do not fit shape {info['shape']}")
        out[name] = np.frombuffer(data[begin:end], dtype=ST_TO_NUMPY[info["dtype"]]).reshape(info["shape"])
        at = end
    if at != len(data):
        raise Mismatch(f"tensors cover {at} of {len(data)} data bytes")
    return header, out


def expected_array(entry):
    special = {"-0": -0.0, "NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
    vals = [special[v] if isinstance(v, str) else v for v in entry["data"]]
    np_dtype = "<f4" if entry["dtype"] == "float32" else "<f8"
    return np.array(vals, dtype=np_dtype).reshape(entry["shape"])


def same_bits(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    an, bn = np.isnan(a), np.isnan(b)
    if not np.array_equal(an, bn):
        return False
    return a[~an].tobytes() == b[~bn].tobytes()


def check_case(case):
    header, tensors = read_safetensors(case["file"])
    state = case["state"]
    if sorted(tensors) != sorted(state):
        raise Mismatch(f"names {sorted(tensors)} != {sorted(state)}")
    for name, entry in state.items():
        want = expected_array(entry)
        want_st = "F32" if entry["dtype"] == "float32" else "F64"
        if header[name]["dtype"] != want_st:
            raise Mismatch(f"{name}: dtype {header[name]['dtype']}, expected {want_st}")
        if not same_bits(tensors[name], want):
            raise Mismatch(f"{name}: values differ from actigrad's state dict")
    report = {"file": Path(case["file"]).name, "tensors": len(tensors), "bitwise": True}
    if case["kind"] in ("mlp", "bn"):
        dtype = torch.float32 if case["dtype"] == "float32" else torch.float64
        model = mlp(dtype) if case["kind"] == "mlp" else bn_model(dtype)
        sd = {k: torch.from_numpy(v.copy()) for k, v in tensors.items()}
        model.load_state_dict(sd, strict=True)
        model.eval()
        x = torch.tensor(case["input"], dtype=dtype).reshape(case["inputShape"])
        with torch.no_grad():
            y = model(x).reshape(-1).to(torch.float64)
        ours = torch.tensor(case["output"], dtype=torch.float64)
        diff = float((y - ours).abs().max())
        tol = 1e-5 if dtype == torch.float32 else 1e-12
        report.update({"model": case["kind"], "dtype": case["dtype"], "maxAbsDiff": diff, "tol": tol})
        if not diff <= tol:
            raise Mismatch(f"PyTorch's output differs from actigrad's by {diff} > {tol}")
        if case["kind"] == "bn":
            nbt = model[1].num_batches_tracked
            report["num_batches_tracked"] = int(nbt)
    return report


def check(manifest_path):
    manifest = json.loads(Path(manifest_path).read_text())
    reports, ok = [], True
    for case in manifest["cases"]:
        try:
            reports.append({"ok": True, **check_case(case)})
        except Mismatch as e:
            ok = False
            reports.append({"ok": False, "file": Path(case["file"]).name, "error": str(e)})
    print(json.dumps({"ok": ok, "torch": torch.__version__, "cases": reports}))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "check":
        check(sys.argv[2])
    elif len(sys.argv) == 1 or sys.argv[1] == "write":
        write()
    else:
        sys.exit(__doc__)
