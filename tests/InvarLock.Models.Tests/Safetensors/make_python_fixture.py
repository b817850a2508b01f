# Regenerates the base64 fixture in PythonWrittenSafetensorsTests.cs: /usr/bin/python3 make_python_fixture.py
# Writes a safetensors file by hand with numpy (independent of InvarLock's writer): F32, F16 and BF16 tensors,
# a metadata map, Python's json.dumps spacing and space padding to 8 bytes.
import json, struct, sys, base64
import numpy as np

f32 = np.array([[0.0, -0.0, 1.5, -2.25], [np.inf, -np.inf, 1e-40, 3.4028235e38]], dtype=np.float32)
f16 = np.array([1.0, -0.5, 65504.0, 5.960464477539063e-08, 6.103515625e-05, np.inf], dtype=np.float16)
bf_src = np.array([1.0, -3.0, 0.15625, 1e-39, 3.3895314e38], dtype=np.float32)
bf16 = (bf_src.view(np.uint32) >> 16).astype(np.uint16)  # truncation; the test expects the truncated values

blobs = [("a_f32", "F32", list(f32.shape), f32.tobytes()),
         ("b_f16", "F16", list(f16.shape), f16.tobytes()),
         ("c_bf16", "BF16", list(bf16.shape), bf16.tobytes())]
header = {"__metadata__": {"writer": "numpy-by-hand"}}
data = b""
for name, dtype, shape, raw in blobs:
    header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
h = json.dumps(header).encode("utf-8")
h += b" " * ((8 - len(h) % 8) % 8)
blob = struct.pack("<Q", len(h)) + h + data
print(base64.b64encode(blob).decode())
