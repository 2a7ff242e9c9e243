// Cross-check of the SDK's MessagePack codec against an independent implementation, @msgpack/msgpack.
//
//   node crosscheck.mjs generate [out.json]   encodes a fixed set of values with @msgpack/msgpack and writes
//                                             test vectors [{name, hex, value}] (stdout when no file is given);
//                                             vectors/node-encoded.json is this command's committed output.
//   node crosscheck.mjs decode <in.json>      reads [{name, hex}] (bytes the SDK encoded), decodes each with
//                                             @msgpack/msgpack and prints [{name, value, reencoded}] on stdout.
//
// "value" is a typed description both sides can compare exactly:
//   {"t":"nil"} {"t":"bool","v":true} {"t":"int","v":"-33"} {"t":"float","v":"<float64 bits, hex, or nan>"}
//   {"t":"str","v":"..."} {"t":"bin","v":"<hex>"} {"t":"arr","v":[...]} {"t":"map","v":[[key, value], ...]}
//   {"t":"ext","type":5,"v":"<hex>"} {"t":"ts","sec":"<decimal>","nsec":123}
// JavaScript has one number type, so a number that is an integer within ±2^53 is described as "int" whatever
// its wire format; 64-bit integer formats decode to bigint (useBigInt64) and keep full precision.
import { readFileSync, writeFileSync } from "node:fs";
import {
  Encoder,
  Decoder,
  ExtData,
  ExtensionCodec,
  decodeTimestampToTimeSpec,
  encodeTimeSpecToTimestamp,
} from "@msgpack/msgpack";

class TimeSpec {
  constructor(sec, nsec) {
    this.sec = sec;
    this.nsec = nsec;
  }
}

// The timestamp extension (-1) as exact seconds and nanoseconds instead of a millisecond Date.
const extensionCodec = new ExtensionCodec();
extensionCodec.register({
  type: -1,
  encode: (value) => (value instanceof TimeSpec ? encodeTimeSpecToTimestamp(value) : null),
  decode: (data) => {
    const spec = decodeTimestampToTimeSpec(data);
    return new TimeSpec(spec.sec, spec.nsec);
  },
});

// Map keys get a type prefix: it keeps int and str keys apart and keeps insertion order (JavaScript objects
// put integer-like keys first otherwise).
const decoder = new Decoder({
  extensionCodec,
  useBigInt64: true,
  mapKeyConverter: (key) => (typeof key === "number" ? "#i:" + key : "#s:" + key),
});
const encoder = new Encoder({ extensionCodec, useBigInt64: true });
const encoderFloat32 = new Encoder({ extensionCodec, useBigInt64: true, forceFloat32: true });

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const fromHex = (text) => new Uint8Array(Buffer.from(text, "hex"));

function floatBits(x) {
  if (Number.isNaN(x)) return "nan"; // NaN payloads are not portable; every NaN is described alike
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return hex(new Uint8Array(view.buffer));
}

function describeNumber(x) {
  if (Number.isInteger(x) && Math.abs(x) <= 2 ** 53 && !Object.is(x, -0)) {
    return { t: "int", v: String(x) };
  }
  return { t: "float", v: floatBits(x) };
}

function describeKey(key) {
  if (key.startsWith("#i:")) return { t: "int", v: key.slice(3) };
  if (key.startsWith("#s:")) return { t: "str", v: key.slice(3) };
  throw new Error("unprefixed map key " + key);
}

function describe(value) {
  if (value === null || value === undefined) return { t: "nil" };
  if (typeof value === "boolean") return { t: "bool", v: value };
  if (typeof value === "bigint") return { t: "int", v: value.toString() };
  if (typeof value === "number") return describeNumber(value);
  if (typeof value === "string") return { t: "str", v: value };
  if (value instanceof Uint8Array) return { t: "bin", v: hex(value) };
  if (value instanceof TimeSpec) return { t: "ts", sec: String(value.sec), nsec: value.nsec };
  if (value instanceof ExtData) return { t: "ext", type: value.type, v: hex(value.data) };
  if (Array.isArray(value)) return { t: "arr", v: value.map(describe) };
  if (typeof value === "object") {
    return { t: "map", v: Object.entries(value).map(([k, v]) => [describeKey(k), describe(v)]) };
  }
  throw new Error("cannot describe " + typeof value);
}

// The inverse of describe, for re-encoding what was decoded. Only string map keys survive as object keys.
function undescribe(d) {
  switch (d.t) {
    case "nil":
      return null;
    case "bool":
      return d.v;
    case "int": {
      const big = BigInt(d.v);
      return big >= -(2n ** 53n) && big <= 2n ** 53n ? Number(big) : big;
    }
    case "float":
      return d.v === "nan" ? NaN : new DataView(fromHex(d.v).buffer).getFloat64(0);
    case "str":
      return d.v;
    case "bin":
      return fromHex(d.v);
    case "arr":
      return d.v.map(undescribe);
    case "map": {
      const object = {};
      for (const [k, v] of d.v) object[k.v] = undescribe(v);
      return object;
    }
    case "ext":
      return new ExtData(d.type, fromHex(d.v));
    case "ts":
      return new TimeSpec(Number(d.sec), d.nsec);
    default:
      throw new Error("unknown description " + d.t);
  }
}

const repeat = (text, n) => text.repeat(n);
const bytes = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
const objectOf = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => ["k" + i, i]));

// Boundary values of every format, encoded by @msgpack/msgpack.
function vectors() {
  const cases = [
    ["nil", null],
    ["false", false],
    ["true", true],
  ];
  const ints = [
    0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, 2 ** 53,
    -1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649, -(2 ** 53),
  ];
  for (const n of ints) cases.push(["int " + n, n]);
  for (const n of [2n ** 63n - 1n, 2n ** 64n - 1n, -(2n ** 63n), 2n ** 60n + 3n]) cases.push(["bigint " + n, n]);
  for (const x of [0.5, -1.25, 3.141592653589793, 1e300, -1e-300, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, NaN, -0]) {
    cases.push(["float64 " + x, x]);
  }
  const strings = [
    ["str empty", ""],
    ["str fix 31", repeat("a", 31)],
    ["str8 32", repeat("b", 32)],
    ["str8 255", repeat("c", 255)],
    ["str16 256", repeat("d", 256)],
    ["str32 65536", repeat("f", 65536)],
    ["str unicode", "héllo wörld — 日本語 🍄 mycelium"],
  ];
  cases.push(...strings);
  for (const n of [0, 1, 255, 256, 65536]) cases.push(["bin " + n, bytes(n)]);
  // array32 and map32 need 65,536 elements: they are cross-checked in the other direction (decode), which
  // is not committed, to keep this file small.
  for (const n of [0, 1, 15, 16, 300]) cases.push(["array " + n, Array.from({ length: n }, (_, i) => i % 200)]);
  for (const n of [0, 1, 15, 16, 300]) cases.push(["map " + n, objectOf(n)]);
  cases.push(["nested", { a: [1, [2, [3, { b: null, c: [true, false] }]]], d: { e: { f: "g" } }, h: bytes(3) }]);
  for (const n of [1, 2, 4, 8, 16, 0, 3, 255, 256, 65536]) cases.push(["ext len " + n, new ExtData(n % 128, bytes(n))]);
  cases.push(["ext negative type", new ExtData(-128, bytes(5))]);
  const timestamps = [
    [0, 0],
    [1700000000, 0],
    [4294967295, 0],
    [1, 1],
    [4294967296, 0],
    [1700000000, 999999999],
    [17179869183, 999999999],
    [17179869184, 0],
    [-1, 0],
    [-1, 999999999],
    [-62135596800, 0],
    [253402300799, 999999999],
  ];
  for (const [sec, nsec] of timestamps) cases.push([`timestamp ${sec}.${nsec}`, new TimeSpec(sec, nsec)]);
  const out = cases.map(([name, value]) => {
    const encoded = encoder.encode(value);
    return { name, hex: hex(encoded), value: describe(decoder.decode(encoded)) };
  });
  for (const x of [1.5, -0.1, 3.4028234663852886e38, 1e-45, 123456.789]) {
    const encoded = encoderFloat32.encode(x);
    out.push({ name: "float32 " + x, hex: hex(encoded), value: describe(decoder.decode(encoded)) });
  }
  return out;
}

function decodeFile(path) {
  const cases = JSON.parse(readFileSync(path, "utf8"));
  return cases.map(({ name, hex: text }) => {
    const value = describe(decoder.decode(fromHex(text)));
    return { name, value, reencoded: hex(encoder.encode(undescribe(value))) };
  });
}

const [command, path] = process.argv.slice(2);
if (command === "generate") {
  const text = JSON.stringify(vectors(), null, 1) + "\n";
  if (path) writeFileSync(path, text);
  else process.stdout.write(text);
} else if (command === "decode" && path) {
  process.stdout.write(JSON.stringify(decodeFile(path)) + "\n");
} else {
  process.stderr.write("usage: node crosscheck.mjs generate [out.json] | decode <in.json>\n");
  process.exit(2);
}
