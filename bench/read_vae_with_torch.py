#!/usr/bin/env python3
"""Reads a VaeWorkbench .vae file into PyTorch tensors, following the safetensors spec with only numpy + torch
(the `safetensors` wheel is not installable here). Checks the layout rules the reference loader enforces, prints
each tensor's name, shape and a checksum, and the metadata keys.
    /usr/bin/python3 bench/read_vae_with_torch.py model.vae
"""
import json, struct, sys
import numpy as np
import torch

def load(path):
    data = open(path, 'rb').read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    body = memoryview(data)[8 + n:]
    meta = header.pop('__metadata__', {})
    spans = sorted((v['data_offsets'][0], v['data_offsets'][1], k) for k, v in header.items())
    end = 0
    for b, e, k in spans:
        assert b == end, f'{k}: gap or overlap at {b}'
        end = e
    assert end == len(body), 'tensors do not cover the data section'
    tensors = {}
    for k, v in header.items():
        assert v['dtype'] == 'F32', k
        b, e = v['data_offsets']
        arr = np.frombuffer(body[b:e], dtype='<f4').reshape(v['shape'])
        tensors[k] = torch.from_numpy(arr.copy())
    return tensors, meta

if __name__ == '__main__':
    tensors, meta = load(sys.argv[1])
    for k, t in tensors.items():
        print(f'{k:48} {str(tuple(t.shape)):18} sum={t.double().sum().item():.6f}')
    print('metadata:', ', '.join(sorted(meta)))
    print('config:', meta.get('config'))
