#!/usr/bin/python3
"""An independent reader of a VaeWorkbench .vae file (safetensors), using only struct, json and numpy.

Usage: read_vae.py MODEL.vae EXPECTED.json
EXPECTED.json is {"tensors": {name: {"shape": [...], "values": [...]}}}, written by the .NET test from its own loader.
Checks the "contents" metadata entry ("inference": weights only, no optimizer.* tensors; "training": with the
optimizer state; missing in files written before it existed) against the tensors present, and the layout rules of safetensors (8-byte little-endian header length, JSON header, F32 tensors packed back to back
from offset 0 to the end of the file) and that every tensor has the expected shape and exactly the expected values.
Prints "ok <count> tensors" and exits 0, or prints the first problem and exits 1.
"""
import json
import struct
import sys

import numpy as np


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main(model_path, expected_path):
    with open(model_path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        fail("file shorter than the 8-byte header length")
    (header_length,) = struct.unpack("<Q", data[:8])
    if 8 + header_length > len(data):
        fail(f"header length {header_length} runs past the end of the file")
    header = json.loads(data[8:8 + header_length].decode("utf-8"))
    body = data[8 + header_length:]
    metadata = header.pop("__metadata__", {})
    if metadata.get("format") != "vaeworkbench.vae/1":
        fail(f"metadata format is {metadata.get('format')!r}")
    json.loads(metadata["config"])  # the config must be JSON

    spans = []
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            fail(f"{name}: dtype {info['dtype']}, expected F32")
        start, end = info["data_offsets"]
        shape = info["shape"]
        count = int(np.prod(shape)) if shape else 1
        if end - start != 4 * count:
            fail(f"{name}: {end - start} bytes for shape {shape}")
        spans.append((start, end))
        tensors[name] = np.frombuffer(body, dtype="<f4", count=count, offset=start).reshape(shape)
    spans.sort()
    position = 0
    for start, end in spans:
        if start != position:
            fail(f"tensor data not contiguous at byte {position}")
        position = end
    if position != len(body):
        fail(f"tensor data ends at {position}, the body is {len(body)} bytes")

    with open(expected_path) as f:
        expected = json.load(f)["tensors"]
    for name, want in expected.items():
        if name not in tensors:
            fail(f"tensor {name} is missing")
        got = tensors[name]
        if list(got.shape) != want["shape"]:
            fail(f"{name}: shape {list(got.shape)}, expected {want['shape']}")
        values = np.asarray(want["values"], dtype=np.float32).reshape(want["shape"])
        if not np.array_equal(got, values):
            index = np.argwhere(got != values)[0]
            fail(f"{name}: value at {index.tolist()} is {got[tuple(index)]}, expected {values[tuple(index)]}")
    optimizer = [name for name in tensors if name.startswith("optimizer.")]
    contents = metadata.get("contents")
    if contents == "inference" and (optimizer or "optimizer" in metadata):
        fail(f"an inference file holds optimizer state ({len(optimizer)} tensors)")
    if contents == "training" and not optimizer:
        fail("a training file holds no optimizer tensors")
    if contents not in (None, "inference", "training"):
        fail(f"metadata contents is {contents!r}")
    print(f"ok {len(expected)} tensors")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
