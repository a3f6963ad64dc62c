#!/usr/bin/env node
// Converts the tfjs weights of face-api's "face_recognition_model" (its port of dlib's
// dlib_face_recognition_resnet_model_v1, a 128-D face descriptor ResNet) into an ONNX model (IR 7, opset 13).
// The graph mirrors @vladmandic/face-api@1.7.15 src/faceRecognitionNet, written from scratch here.
//
// Model input "input": float32 [1,3,150,150], NCHW, RAW RGB in 0..255 (a 150x150 aligned face chip).
// The graph itself applies face-api's normalisation, (p - [122.782, 117.001, 104.298]) / 255 per channel.
// Note: face-api divides by 255, not by 256 as dlib does; the graph follows face-api so that its
// descriptors (and distance thresholds calibrated on them) carry over.
// Model output "output": float32 [1,128], the raw descriptor (not L2-normalised).
//
// Usage: node scripts/convert-dlib-resnet.mjs <manifest.json> <weights.bin> <out.onnx>
import { Buffer } from 'node:buffer';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const FLOAT = 1; // TensorProto.DataType and TypeProto elem_type
const INT64 = 7;
const ATTR_INT = 2;
const ATTR_INTS = 7;
const MEAN_RGB = [122.782, 117.001, 104.298];

// ---- minimal protobuf writer: every encoder returns the bytes of one field --------------------------------

/** @param {Uint8Array[]} parts */
const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Base-128 varint; negatives as 64-bit two's complement, as protobuf does for int64. @param {number} value */
const varint = (value) => {
  let v = BigInt.asUintN(64, BigInt(value));
  const out = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? low | 0x80 : low);
  } while (v);
  return Uint8Array.from(out);
};

/** @param {number} field @param {number} value */
const intField = (field, value) => concat([varint(field * 8), varint(value)]);
/** Length-delimited field (bytes, string, sub-message, packed repeated). @param {number} field @param {Uint8Array} bytes */
const bytesField = (field, bytes) => concat([varint(field * 8 + 2), varint(bytes.length), bytes]);
/** @param {number} field @param {string} text */
const stringField = (field, text) => bytesField(field, Buffer.from(text, 'utf8'));
/** @param {number} field @param {number[]} values */
const packedInt64Field = (field, values) => bytesField(field, concat(values.map(varint)));

// ---- ONNX messages (field numbers from onnx.proto) ---------------------------------------------------------

/** TensorProto. @param {string} name @param {number[]} dims @param {Float32Array | BigInt64Array} data */
function tensorProto(name, dims, data) {
  const le = new Uint8Array(data.buffer, data.byteOffset, data.byteLength); // x86/arm hosts are little-endian
  return concat([
    dims.length ? packedInt64Field(1, dims) : new Uint8Array(),
    intField(2, data instanceof Float32Array ? FLOAT : INT64),
    stringField(8, name),
    bytesField(9, le),
  ]);
}

/** AttributeProto: integers become INT, integer arrays INTS. @param {string} name @param {number | number[]} value */
function attributeProto(name, value) {
  return Array.isArray(value)
    ? concat([stringField(1, name), packedInt64Field(8, value), intField(20, ATTR_INTS)])
    : concat([stringField(1, name), intField(3, value), intField(20, ATTR_INT)]);
}

/** NodeProto. @param {string} opType @param {string[]} inputs @param {string} output @param {Record<string, number | number[]>} attrs */
function nodeProto(opType, inputs, output, attrs) {
  return concat([
    ...inputs.map((i) => stringField(1, i)),
    stringField(2, output),
    stringField(3, output),
    stringField(4, opType),
    ...Object.entries(attrs).map(([k, v]) => bytesField(5, attributeProto(k, v))),
  ]);
}

/** ValueInfoProto for a float tensor of fixed shape. @param {string} name @param {number[]} dims */
function valueInfoProto(name, dims) {
  const shape = concat(dims.map((d) => bytesField(1, intField(1, d))));
  const tensorType = concat([intField(1, FLOAT), bytesField(2, shape)]);
  return concat([stringField(1, name), bytesField(2, bytesField(1, tensorType))]);
}

// ---- tfjs weights ---------------------------------------------------------------------------------------------

/** IEEE half → number. @param {number} h */
function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Decodes a tfjs weights manifest the way tfjs-core's decodeWeights does, including uint8/uint16 affine
 * (value = q * scale + min) and float16 quantization. The buffer is all shards of the manifest concatenated.
 * @param {Array<{weights: Array<{name: string, shape: number[], dtype: string, quantization?: {dtype: string, scale?: number, min?: number}}>}>} manifest
 * @param {Uint8Array} buffer
 * @returns {Map<string, {shape: number[], values: Float32Array}>}
 */
function decodeWeights(manifest, buffer) {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const weights = new Map();
  let offset = 0;
  for (const spec of manifest.flatMap((group) => group.weights)) {
    if (spec.dtype !== 'float32') throw new Error(`${spec.name}: unsupported dtype ${spec.dtype}`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    const [bytes, read] = !q
      ? [4, (at) => view.getFloat32(at, true)]
      : q.dtype === 'uint8'
        ? [1, (at) => view.getUint8(at) * q.scale + q.min]
        : q.dtype === 'uint16'
          ? [2, (at) => view.getUint16(at, true) * q.scale + q.min]
          : q.dtype === 'float16'
            ? [2, (at) => halfToFloat(view.getUint16(at, true))]
            : [];
    if (!read) throw new Error(`${spec.name}: unsupported quantization ${q.dtype}`);
    if (offset + size * bytes > buffer.byteLength) throw new Error(`${spec.name}: weights file too short`);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = read(offset + i * bytes);
    weights.set(spec.name, { shape: spec.shape, values });
    offset += size * bytes;
  }
  if (offset !== buffer.byteLength) throw new Error(`weights file has ${buffer.byteLength - offset} unused bytes`);
  return weights;
}

// ---- graph ----------------------------------------------------------------------------------------------------

/**
 * Converts face-api's face_recognition_model weights to a serialized ONNX ModelProto.
 * Deterministic: the same inputs always give the same bytes.
 * @param {unknown} manifestJson parsed face_recognition_model-weights_manifest.json
 * @param {Uint8Array} weightsBuffer face_recognition_model.bin (all shards, in manifest order)
 * @returns {Uint8Array}
 */
export function convertDlibResnet(manifestJson, weightsBuffer) {
  const weights = decodeWeights(/** @type {any} */ (manifestJson), weightsBuffer);
  /** @param {string} name */
  const take = (name) => {
    const w = weights.get(name);
    if (!w) throw new Error(`missing weight ${name}`);
    weights.delete(name);
    return w;
  };

  const nodes = [];
  const initializers = [];
  /** @param {string} name @param {number[]} dims @param {Float32Array | BigInt64Array} data */
  const constant = (name, dims, data) => (initializers.push(tensorProto(name, dims, data)), name);
  /** @param {string} op @param {string[]} inputs @param {string} output @param {Record<string, number | number[]>} [attrs] */
  const node = (op, inputs, output, attrs = {}) => (nodes.push(nodeProto(op, inputs, output, attrs)), output);

  /**
   * face-api's convLayer: conv2d + bias, then a per-channel scale (x * w + b), then optional relu. The scale is
   * folded into the conv weights and bias here (W' = W * w, bias' = bias * w + b). HWIO → OIHW on the way.
   * @typedef {{name: string, c: number, h: number, w: number}} Value
   * @param {Value} x @param {string} prefix @param {number} stride @param {'same' | 'valid'} padding @param {boolean} relu
   * @returns {Value}
   */
  function convLayer(x, prefix, stride, padding, relu) {
    const filters = take(`${prefix}/conv/filters`);
    const [kh, kw, ci, co] = filters.shape;
    const bias = take(`${prefix}/conv/bias`).values;
    const scale = take(`${prefix}/scale/weights`).values;
    const shift = take(`${prefix}/scale/biases`).values;
    if (ci !== x.c) throw new Error(`${prefix}: expects ${ci} input channels, got ${x.c}`);

    const oihw = new Float32Array(co * ci * kh * kw);
    for (let o = 0; o < co; o++)
      for (let i = 0; i < ci; i++)
        for (let y = 0; y < kh; y++)
          for (let z = 0; z < kw; z++)
            oihw[((o * ci + i) * kh + y) * kw + z] = filters.values[((y * kw + z) * ci + i) * co + o] * scale[o];
    const b = Float32Array.from(bias, (v, o) => v * scale[o] + shift[o]);

    // tfjs 'same': out = ceil(in / stride), padding split with the extra pixel at the end.
    const pad = (size, k) => {
      const total = Math.max((Math.ceil(size / stride) - 1) * stride + k - size, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    const [top, bottom] = padding === 'same' ? pad(x.h, kh) : [0, 0];
    const [left, right] = padding === 'same' ? pad(x.w, kw) : [0, 0];
    const out = (size, k, before, after) => Math.floor((size + before + after - k) / stride) + 1;

    let name = node(
      'Conv',
      [x.name, constant(`${prefix}/W`, [co, ci, kh, kw], oihw), constant(`${prefix}/B`, [co], b)],
      prefix,
      {
        kernel_shape: [kh, kw],
        strides: [stride, stride],
        pads: [top, left, bottom, right],
      },
    );
    if (relu) name = node('Relu', [name], `${prefix}/relu`);
    return { name, c: co, h: out(x.h, kh, top, bottom), w: out(x.w, kw, left, right) };
  }

  /** @param {Value} x @param {string} prefix */
  function residual(x, prefix) {
    const a = convLayer(x, `${prefix}/conv1`, 1, 'same', true);
    const b = convLayer(a, `${prefix}/conv2`, 1, 'same', false);
    const sum = node('Add', [b.name, x.name], `${prefix}/add`);
    return { ...b, name: node('Relu', [sum], `${prefix}/relu`) };
  }

  /**
   * Downsampling block. Shortcut: 2x2/2 average pool, zero channels appended when the block widens. When the
   * 'valid' 3x3/2 conv path comes out one pixel smaller than the pooled shortcut (8→3 vs 4, 4→1 vs 2),
   * face-api appends a zero row and column at the bottom/right of the conv path.
   * @param {Value} x @param {string} prefix
   */
  function residualDown(x, prefix) {
    const a = convLayer(x, `${prefix}/conv1`, 2, 'valid', true);
    let b = convLayer(a, `${prefix}/conv2`, 1, 'same', false);
    let pooled = {
      name: node('AveragePool', [x.name], `${prefix}/avgpool`, { kernel_shape: [2, 2], strides: [2, 2] }),
      c: x.c,
      h: Math.floor((x.h - 2) / 2) + 1,
      w: Math.floor((x.w - 2) / 2) + 1,
    };
    const zeroPad = (v, pads, suffix) =>
      node(
        'Pad',
        [v.name, constant(`${prefix}/${suffix}_pads`, [8], BigInt64Array.from(pads.map(BigInt)))],
        `${prefix}/${suffix}`,
      );
    if (b.h !== pooled.h || b.w !== pooled.w)
      b = { ...pooled, c: b.c, name: zeroPad(b, [0, 0, 0, 0, 0, 0, pooled.h - b.h, pooled.w - b.w], 'pad_hw') };
    if (pooled.c !== b.c)
      pooled = { ...pooled, c: b.c, name: zeroPad(pooled, [0, 0, 0, 0, 0, b.c - pooled.c, 0, 0], 'pad_c') };
    const sum = node('Add', [b.name, pooled.name], `${prefix}/add`);
    return { ...b, name: node('Relu', [sum], `${prefix}/relu`) };
  }

  const centred = node('Sub', ['input', constant('mean_rgb', [1, 3, 1, 1], Float32Array.from(MEAN_RGB))], 'centred');
  const scaled = node('Div', [centred, constant('divisor', [], Float32Array.of(255))], 'normalised');

  let x = convLayer({ name: scaled, c: 3, h: 150, w: 150 }, 'conv32_down', 2, 'valid', true);
  x = {
    name: node('MaxPool', [x.name], 'maxpool', { kernel_shape: [3, 3], strides: [2, 2] }),
    c: x.c,
    h: Math.floor((x.h - 3) / 2) + 1,
    w: Math.floor((x.w - 3) / 2) + 1,
  };
  for (const block of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(x, block);
  x = residualDown(x, 'conv64_down');
  for (const block of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(x, block);
  x = residualDown(x, 'conv128_down');
  for (const block of ['conv128_1', 'conv128_2']) x = residual(x, block);
  x = residualDown(x, 'conv256_down');
  for (const block of ['conv256_1', 'conv256_2']) x = residual(x, block);
  x = residualDown(x, 'conv256_down_out');

  const pooled = node('GlobalAveragePool', [x.name], 'global_avgpool');
  const flat = node('Flatten', [pooled], 'flatten', { axis: 1 });
  const fc = take('fc'); // [256, 128], already (in, out) as MatMul wants
  if (fc.shape[0] !== x.c) throw new Error(`fc expects ${fc.shape[0]} features, got ${x.c}`);
  node('MatMul', [flat, constant('fc', fc.shape, fc.values)], 'output');
  if (weights.size) throw new Error(`unused weights: ${[...weights.keys()].join(', ')}`);

  const graph = concat([
    ...nodes.map((n) => bytesField(1, n)),
    stringField(2, 'dlib_face_recognition_resnet_v1'),
    ...initializers.map((t) => bytesField(5, t)),
    bytesField(11, valueInfoProto('input', [1, 3, 150, 150])),
    bytesField(12, valueInfoProto('output', [1, fc.shape[1]])),
  ]);
  return concat([
    intField(1, 7), // ir_version
    stringField(2, 'visage-convert-dlib-resnet'),
    bytesField(7, graph),
    bytesField(8, concat([stringField(1, ''), intField(2, 13)])), // opset_import: default domain, 13
  ]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [manifestPath, weightsPath, outPath] = process.argv.slice(2);
  if (!outPath) {
    console.error('usage: node scripts/convert-dlib-resnet.mjs <manifest.json> <weights.bin> <out.onnx>');
    process.exit(2);
  }
  const model = convertDlibResnet(JSON.parse(readFileSync(manifestPath, 'utf8')), readFileSync(weightsPath));
  writeFileSync(outPath, model);
  console.log(`${outPath}: ${model.length} bytes`);
}
